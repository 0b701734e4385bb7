"""`{% kept "name" vary… %}…{% endkept %}`: a fragment that shows public data only (a
release's card), rendered once and kept under the generation, so it ends with any committed
change, as kept counts do (core/caching.py).

Unlike Django's `{% cache %}`, it needs nothing from the context: the time it is kept is
COUNT_CACHE_SECONDS, and the generation is the request's (`kept_generation`, read once per
request by core/context_processors.py) or, rendered without a request (render_to_string in
a task or an export), read here. A fragment kept either way is the same fragment.
"""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key

from core import caching

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        generation = context.get("kept_generation") or caching.generation
        vary_on = [generation(), *(var.resolve(context) for var in self.vary_on)]
        key = make_template_fragment_key(self.name.resolve(context), vary_on)
        fragment = cache.get(key)
        if fragment is None:
            fragment = self.nodelist.render(context)
            cache.set(key, fragment, settings.COUNT_CACHE_SECONDS)
        return fragment


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} needs a fragment name.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, parser.compile_filter(bits[1]),
                    [parser.compile_filter(bit) for bit in bits[2:]])  # fmt: skip
