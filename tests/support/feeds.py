"""Reading a feed as feed readers do: with feedparser, which must find nothing malformed."""

import feedparser


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed
