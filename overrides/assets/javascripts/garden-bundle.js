{#-
  The garden's scripts as one file, so a page makes one request for them instead of seven.
  MkDocs renders this template into the site (a `static_templates` entry under `theme:` in
  mkdocs.yml); edit the files it includes, not this. They are included as Jinja templates, so
  none of them may contain Jinja's delimiters (tests/site/test_essay_site.py checks that the bundle
  is exactly their concatenation). Each script is self-contained; math.js and
  lightbox.js find their libraries relative to this file's address.
-#}
{% include "assets/javascripts/math.js" %}
;
{% include "assets/littlefoot/littlefoot.js" %}
;
{% include "assets/javascripts/sidenotes.js" %}
;
{% include "assets/javascripts/lightbox.js" %}
;
{% include "assets/javascripts/links.js" %}
;
{% include "assets/javascripts/print.js" %}
;
{% include "assets/javascripts/search.js" %}
;
{% include "assets/javascripts/mermaid-local.js" %}
