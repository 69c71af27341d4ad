"""The MkDocs hook entry of the garden: each build event, in lifecycle order, runs the garden's
stages (`garden.pipeline` lists them in order). Markdown features are `garden.markdown`
extensions, which work without this file."""

from mkdocs.plugins import event_priority

from garden import pipeline as garden


def on_startup(command, dirty):
    garden.start(command, dirty)


def on_config(config):
    return garden.configure(config)


def on_files(files, config):
    garden.read_posts(files)
    return garden.place_pages(files)


def on_nav(nav, config, files):
    garden.convert(nav, files)
    garden.lint()
    return nav


def on_page_read_source(page, config):
    return garden.page_source(page)


def on_page_markdown(markdown, page, config, files):
    return garden.prepare_page(page, markdown)


def on_env(env, config, files):
    return garden.render_templates(env, files)


def on_page_context(context, page, config, nav):
    return garden.page_context(context, page)


def on_post_page(output, page, config):
    return garden.keep_page(output, page)


def on_post_template(output_content, template_name, config):
    return garden.theme_file(output_content, template_name)


@event_priority(-100)  # last: after every plugin's post_build, nothing is left to warn
def on_post_build(config):
    try:
        garden.finish_pages()
        garden.redirects()
        garden.feed()
        garden.index_search()
    finally:
        garden.finish()


def on_build_error(error):
    garden.abandon()
