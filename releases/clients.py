"""What kind of program opened a link, in a few words: "Chrome on Windows", "Safari on iPhone",
"Outlook", "a link scanner or preview (Slackbot)".

Preview links record each opening with this description and nothing more (no IP address,
no User-Agent header): enough to tell a reporter's phone from a mail filter that checks
every link, or to see that a link was pasted into a chat, without finding anyone. The
User-Agent is read by ua-parser (the uap-core rules, kept up to date by that project and
shipped as ua-parser-builtins), which knows far more browsers, mail programs and robots than
a list kept here would; the words are ours.
"""

from ua_parser import parse

# A User-Agent is a few hundred characters; anything longer is cut before it is read.
MAX_READ = 512
LONGEST = 100  # PreviewLinkOpen.client

BROWSERS = {
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "an app's own browser",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "an app's own browser",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Outlook-iOS": "Outlook",
    "Outlook-Android": "Outlook",
    "Samsung Internet": "Samsung Internet",
}
PLATFORMS = {
    "Mac OS X": "Mac",
    "Windows": "Windows",
    "Android": "Android",
    "Chrome OS": "ChromeOS",
    "Linux": "Linux",
    "Ubuntu": "Linux",
    "Fedora": "Linux",
    "iOS": "iOS",
}
# Programs, not people: what mail filters, chat previews and scripts call themselves.
AUTOMATED = {
    "curl", "Wget", "Python Requests", "Python-urllib", "Go-http-client", "HeadlessChrome",
    "PhantomJS", "okhttp", "Apache-HttpClient", "Java", "aiohttp", "axios", "node-fetch",
}  # fmt: skip


def client_description(user_agent):
    """A few words on the program behind `user_agent` (a User-Agent header's value)."""
    text = (user_agent or "").strip()[:MAX_READ]
    if not text:
        return "a program that gave no name"
    found = parse(text)
    agent = found.user_agent.family if found.user_agent else ""
    device = found.device.family if found.device else ""
    if device == "Spider" or agent in AUTOMATED:
        # The robot's own name says where a link went ("Slackbot": pasted into Slack).
        name = agent.split("-")[0] if agent and agent != "Other" else ""
        return f"a link scanner or preview ({name})"[:LONGEST] if name else "a link scanner"
    browser = BROWSERS.get(agent, agent if agent and agent != "Other" else "")
    platform = _platform(found, device)
    if browser and platform:
        words = f"{browser} on {platform}"
    elif browser or platform:
        words = browser or f"a program on {platform}"
    else:
        words = "an unknown program"
    return words[:LONGEST]


def _platform(found, device):
    if device in ("iPhone", "iPad", "iPod"):
        return device
    family = found.os.family if found.os else ""
    return PLATFORMS.get(family, "")
