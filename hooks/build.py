"""The MkDocs hook entry of the garden: each build event, in lifecycle order, hands over to
`garden.site.build`. Markdown features live in `garden.markdown` extensions, not here."""

from garden.site.build import GardenSite

site = GardenSite()


def on_startup(command, dirty):
    site.start(command, dirty)


def on_config(config):
    return site.configure(config)


def on_files(files, config):
    return site.place_files(files, config)


def on_nav(nav, config, files):
    return site.prerender(nav, config, files)


def on_page_read_source(page, config):
    return site.page_source(page)


def on_page_markdown(markdown, page, config, files):
    return site.prepare_page(markdown, page)


def on_env(env, config, files):
    return site.extend_templates(env, config, files)


def on_page_context(context, page, config, nav):
    return site.page_context(context, page)


def on_post_page(output, page, config):
    return site.keep_page(output, page)


def on_post_build(config):
    site.finish(config)
