from django.conf import settings


def site(request):
    """The newsroom's name, for the header, titles and footer."""
    return {"newsroom_name": settings.NEWSROOM_NAME}
