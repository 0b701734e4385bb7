"""The demo newsroom: the sample release of May 2014 and what it concerns.

A U.S. government work, in the public domain. Shipped with the project so that the demo
never reads files outside it.
"""

from datetime import date, datetime

from core.eastern import EASTERN

TITLE = (
    "Klobuchar, Heitkamp Join with Local Advocates to Discuss Efforts to Combat Sex "
    "Trafficking in Minnesota and Across the World"
)
# Filed under 2014/5 on the senator's site; the companion release is dated May 16, 2014.
PUBLISHED_AT = datetime(2014, 5, 16, 12, 0, tzinfo=EASTERN)
DATELINE = "Minneapolis, MN"
HIGHLIGHTS = "Klobuchar has authored anti-trafficking legislation that Heitkamp has cosponsored modeled after Minnesota’s “Safe Harbor” laws, which would make sure that children who are sold for sex are treated as victims rather than prosecuted as criminals\nThe Senators also highlighted the importance of fighting international sex trafficking after Boko Haram’s brazen kidnappings of school girls in Nigeria; Klobuchar and Heitkamp have called on the Administration to take action to fight these crimes and were recently in Mexico to push for coordinated international efforts to combat sex trafficking"
BODY = "U.S. Senators Amy Klobuchar (D-MN) and Heidi Heitkamp (D-ND) today joined with local advocates to discuss efforts to combat sex trafficking in Minnesota and across the world. Klobuchar has authored legislation, cosponsored by Heitkamp, that is modeled after Minnesota’s “Safe Harbor” laws, which help ensure that children who are sold for sex are treated as victims rather than prosecuted as criminals. The Senators also highlighted the importance of fighting international sex trafficking following the terrorist group Boko Haram’s brazen kidnappings of school girls in Nigeria. The leader of Boko Haram threatened to sell the abducted girls into marriage. Klobuchar and Heitkamp have called on the Administration to take action to help rescue the girls and fight these crimes, and were recently in Mexico to push for coordinated international efforts to combat sex trafficking.\n\nKlobuchar and Heitkamp have worked together to fight sex trafficking both in the U.S. and around the world. Klobuchar recently introduced bipartisan legislation, cosponsored by Heitkamp, that would give prosecutors tools to crack down on domestic minor sex trafficking and ensure victims of these horrific crimes receive the support they need. The Stop Exploitation Through Trafficking Act is modeled after Minnesota’s “Safe Harbor” laws that help ensure minors sold for sex aren’t prosecuted as criminals but are instead treated as victims. The bill also allows victims of sex trafficking to participate in the Job Corps program to help them get back on their feet, and would create a National Strategy to Combat Human Trafficking to encourage cooperation among all the federal, state, and local agencies that work on this problem. A full summary of the Senators’ legislation can be found here.\n\nKlobuchar and Heitkamp recently joined with all 20 women Senators to condemn Boko Haram’s abduction and to urge the U.S. to get the United Nations to designate Boko Haram as a terrorist group, which would trigger additional international sanctions on the group. During a recent delegation to Mexico, Klobuchar and Heitkamp also met with government and non-profit leaders to push for coordinated efforts to combat sex trafficking in Mexico and the United States."

SENATORS = [
    dict(
        bioguide_id="K000367",
        first_name="Amy",
        last_name="Klobuchar",
        official_full_name="Amy Klobuchar",
        slug="amy-klobuchar",
        party="D",
        state="MN",
        website="https://www.klobuchar.senate.gov",
        term_start=date(2007, 1, 4),
        term_end=date(2031, 1, 3),
        in_office=True,
        role="lead",
    ),
    dict(
        bioguide_id="H001069",
        first_name="Heidi",
        last_name="Heitkamp",
        official_full_name="Heidi Heitkamp",
        slug="heidi-heitkamp",
        party="D",
        state="ND",
        website="https://www.heitkamp.senate.gov",
        term_start=date(2013, 1, 3),
        term_end=date(2019, 1, 3),
        in_office=False,
        role="joint",
    ),
]

QUOTES = [
    (
        "K000367",
        "Minnesota is tackling the challenge of sex trafficking head on, and it’s great having Senator Heitkamp here to see the incredible work that’s being done on the ground so we can take this to the national level. I see the fight against sex trafficking in Minnesota and across the U.S. as part of a larger issue about how we treat women and how we portray ourselves to the world. If the U.S. is going to be a leader in promoting women’s rights, then we have to make the fight against sex trafficking a top priority, and that’s exactly what we’re doing in Minnesota.",
    ),
    (
        "H001069",
        "Senator Klobuchar and I have worked closely on this issue, and she continues to reinforce the great work being done in Minnesota to reduce human trafficking. Today I saw that firsthand after meeting with difference groups working on these problems. I was particularly impressed with the Minnesota Indian Women’s Resource Center and the work the organization is doing to reduce trafficking in Indian Country, which is too often a target. In North Dakota, I hope we can take many of the lessons from Minnesota to help stop trafficking in Indian Country and around our state.",
    ),
]

BILL = dict(
    bill_type="s",
    number=1733,
    congress=113,
    short_title="Stop Exploitation Through Trafficking Act of 2013",
    status="introduced",
    introduced_on=date(2013, 11, 19),
    summary=(
        "Introduced by Senator Klobuchar on November 19, 2013 and referred to the Senate "
        "Judiciary Committee. Modeled after Minnesota’s “Safe Harbor” laws, it would help "
        "ensure that minors sold for sex are treated as victims rather than prosecuted as "
        "criminals, allow victims of sex trafficking to participate in Job Corps, and create "
        "a National Strategy to Combat Human Trafficking."
    ),
)
BILL_SPONSOR = "K000367"
BILL_COSPONSORS = ["H001069"]

ORGANIZATIONS = [
    dict(
        name="Minnesota Indian Women’s Resource Center",
        slug="minnesota-indian-womens-resource-center",
        kind="nonprofit",
        website="https://www.miwrc.org",
        description="A Minneapolis nonprofit serving American Indian women and families.",
    ),
    dict(
        name="Boko Haram",
        slug="boko-haram",
        kind="other",
        description="A terrorist group in northeastern Nigeria.",
    ),
    dict(
        name="United Nations",
        slug="united-nations",
        kind="international_body",
        website="https://www.un.org",
        wikidata_id="Q1065",
        description="The intergovernmental organization of 193 member states.",
    ),
    dict(
        name="Job Corps",
        slug="job-corps",
        kind="government_agency",
        website="https://www.jobcorps.gov",
        description="A federal program of the U.S. Department of Labor offering free "
        "education and job training to young people.",
    ),
]

TOPICS = [
    dict(
        name="Human trafficking",
        slug="human-trafficking",
        description="Sex and labor trafficking, at home and abroad, and help for survivors.",
    ),
    dict(
        name="Tribal communities",
        slug="tribal-communities",
        description="Tribal nations, Native communities and Indian Country.",
    ),
    dict(
        name="Foreign affairs",
        slug="foreign-affairs",
        description="Diplomacy, international cooperation and national security abroad.",
    ),
]
