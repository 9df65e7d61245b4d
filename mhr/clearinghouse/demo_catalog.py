"""Demo catalog for the MHR clearinghouse.

Realistic sample resources that mirror the sections of the association's
"Critical Issues: Mental Health Response" page: the members-only messaging
worksheet, model policies and papers, resolutions, legislative initiatives,
Police Chief articles and additional resources (One Mind Campaign, summit
report, CIT, PMHC, MHFA, 988, Crisis Now, co-responders, Stepping Up,
CAHOOTS and STAR).

All text is written for MHR in its own words. Every entry names the original
it describes (publisher, year, URL). Entries that stand in for members-only
documents, resolutions or legislative positions whose text MHR does not hold
say so in their body. Statistics carry the source and year given in the
project's domain research notes; program-reported figures are labeled as such.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPage:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class DemoAttachment:
    filename: str
    title: str
    pages: tuple[DemoPage, ...]


@dataclass(frozen=True)
class DemoResource:
    slug: str
    title: str
    resource_type: str
    summary: str
    body: str
    topics: tuple[str, ...]
    audience: str
    publisher: str
    published_on: datetime.date
    access: str
    external_url: str = ""
    attachments: tuple[DemoAttachment, ...] = ()


RESOURCE_TYPES: tuple[str, ...] = (
    "messaging_worksheet",
    "model_policy",
    "concepts_paper",
    "need_to_know",
    "resolution",
    "legislative_initiative",
    "magazine_article",
    "report",
    "toolkit",
    "training",
    "campaign",
    "external_link",
)

AUDIENCES: tuple[str, ...] = (
    "agency_leaders",
    "cit_coordinators",
    "trainers",
    "officers",
    "dispatchers",
    "community_partners",
    "general_public",
)

TOPICS: tuple[str, ...] = (
    "Crisis intervention teams",
    "Mental Health First Aid",
    "Policy",
    "Partnerships",
    "988 and crisis lines",
    "Co-responder models",
    "Alternative response",
    "Data and evaluation",
    "Officer wellness",
    "Legislation",
    "De-escalation",
    "Training",
    "Dispatch",
    "Communications",
)

# Short names used below to keep the entries readable.
_IACP = "International Association of Chiefs of Police"
_IACP_POLICY_CENTER = "International Association of Chiefs of Police, Law Enforcement Policy Center"
_DEMO = "MHR demo content"
_CLEARINGHOUSE_URL = "https://theiacp.org/resources/critical-issues-mental-health-response"

# Research caveat that must travel with program-reported outcome figures.
_PROGRAM_REPORTED_CAVEAT = (
    "These figures are reported by the program itself rather than by an independent "
    "evaluation. Peer-reviewed evidence on crisis-response outcomes is mixed (Taheri, "
    "Criminal Justice Policy Review, 2016; Rogers et al., JAAPL, 2019), so quote them as "
    '"reported by" the program and pair them with this caveat.'
)


def _md(text: str) -> str:
    """Trim the blank lines that surround a triple-quoted Markdown body."""
    return text.strip() + "\n"


def _page(heading: str, *paragraphs: str) -> DemoPage:
    return DemoPage(heading=heading, paragraphs=tuple(paragraphs))


def _date(year: int, month: int, day: int = 1) -> datetime.date:
    return datetime.date(year, month, day)


# ---------------------------------------------------------------------------
# Messaging worksheet (members only)
# ---------------------------------------------------------------------------

_MESSAGING: tuple[DemoResource, ...] = (
    DemoResource(
        slug="messaging-worksheet-talking-points",
        title="Mental Health Response Messaging Worksheet and Talking Points",
        resource_type="messaging_worksheet",
        summary=(
            "A members-only worksheet that helps chiefs and public information officers "
            "prepare consistent, sourced talking points about how their agency responds to "
            "people in mental-health crisis. The MHR version is a demo stand-in written for "
            "the platform, not the association's own worksheet."
        ),
        body=_md("""
## What this worksheet is for

Chiefs are asked about mental-health calls by council members, reporters, families and their own officers, often on the same day as a difficult incident. This worksheet helps a command team agree on a small set of messages before those questions arrive, and pairs every number with its source and year.

> **Demo note:** the association lists a members-only messaging worksheet with talking points on its mental-health clearinghouse page. MHR does not hold that document. The text and attachments here are a demo stand-in written for MHR, based on public sources.

## What's inside

- **Four core messages** an agency can adapt: crisis is a health event first; the agency works with named partners; officers are trained for these calls; the agency reports its own numbers openly.
- **Context statistics** with source and year for each figure, and the research caveat that must go with program-reported outcomes.
- **Hard questions** and suggested ways to answer them without overstating the evidence.
- **Local prompts** for the figures only your agency can supply, such as training coverage and call dispositions.
- An editable **DOCX** version for drafting.

## How to use it

1. Fill in the local prompts with your records unit and your CIT coordinator.
2. Have your mental-health partner read the messages; agree on shared language.
3. Re-check every local figure each quarter and record the date it was pulled.
4. Keep the completed worksheet with your public information officer and your duty command staff.

## Ground rules for numbers

- Quote national figures with their source and year, never alone.
- Say "reported by" for program self-reports, such as the Memphis CIT outcomes, and add that peer-reviewed evidence on CIT outcomes is mixed.
- Prefer your own agency data to national estimates when you have it.

## Source

International Association of Chiefs of Police, *Critical Issues: Mental Health Response* clearinghouse page (members-only messaging worksheet listed; its date is not public and its text is not reproduced here). https://theiacp.org/resources/critical-issues-mental-health-response. MHR demo edition, 2022. Statistics are cited individually, with source and year, in the attachments.
"""),
        topics=("Communications", "Data and evaluation", "Partnerships", "Officer wellness"),
        audience="agency_leaders",
        publisher=_IACP,
        published_on=_date(2022, 9, 1),
        access="members",
        external_url=_CLEARINGHOUSE_URL,
        attachments=(
            DemoAttachment(
                filename="messaging-worksheet-talking-points.pdf",
                title="Messaging Worksheet and Talking Points (demo edition)",
                pages=(
                    _page(
                        "Using this worksheet",
                        "This worksheet is meant to be filled in once, reviewed every quarter, and "
                        "pulled out whenever the agency has to speak publicly about a call involving "
                        "a person in crisis. It works best when the chief, the public information "
                        "officer, the CIT coordinator and a representative of the agency's "
                        "mental-health partner complete it together in a single sitting.",
                        "The national figures on the following pages are there to give context. They "
                        "should never carry a message on their own. Local numbers, such as how many "
                        "officers hold crisis training or how often calls end in a referral rather "
                        "than an arrest, are more persuasive and harder to dispute, because the "
                        "agency can explain exactly how they were counted.",
                        "Keep the completed worksheet somewhere the duty commander can reach it after "
                        "hours. The first statement after a critical incident is usually made before "
                        "the facts are settled, so the messages here deliberately describe the "
                        "agency's standing commitments rather than any single event.",
                        "This edition was prepared as demonstration content for the MHR platform. It "
                        "is not the association's members-only worksheet, whose text MHR does not hold.",
                    ),
                    _page(
                        "Four core messages",
                        "Message one: a mental-health crisis is a health emergency first. Officers are "
                        "often the first to arrive, but the goal of every response is to connect the "
                        "person with care, keep everyone safe, and use the justice system only when "
                        "a crime requires it.",
                        "Message two: we do not do this alone. Name the community mental-health "
                        "organization, crisis line or mobile team the agency works with, describe the "
                        "written agreement that governs the partnership, and say how often the "
                        "partners meet to review cases together.",
                        "Message three: our officers are trained for these calls. State the share of "
                        "sworn officers with Crisis Intervention Team or equivalent training, the "
                        "share with Mental Health First Aid or an equivalent course, and whether "
                        "dispatchers are included. Give the date of the count.",
                        "Message four: we publish our numbers. Commit to reporting mental-health call "
                        "volumes, how those calls were resolved and how rarely force was used, in the "
                        "same way the agency reports other calls for service. Sharing data inside the "
                        "agency as well as outside it builds confidence in both directions.",
                    ),
                    _page(
                        "Context statistics you may cite",
                        "Share of police work: calls involving people with mental illness make up an "
                        "estimated 7 to 10 percent of police contacts (Reuland and Margolis, Police "
                        "Chief, November 2003). The federal Police-Mental Health Collaboration "
                        "Toolkit states that up to 10 percent of calls for service involve someone "
                        "with a severe mental illness (BJA PMHC Toolkit, 2016+).",
                        "Risk in encounters: the Treatment Advocacy Center estimated that people with "
                        "untreated severe mental illness are 16 times more likely than other civilians "
                        "approached or stopped by police to be killed in the encounter (Treatment "
                        "Advocacy Center, Overlooked in the Undercounted, December 2015). The "
                        "Washington Post counted 124 of 462 people shot dead by police in the first "
                        "half of 2015 as being in mental or emotional crisis (Washington Post, "
                        "Distraught people, deadly results, June 30, 2015).",
                        "Justice-system load: behavioral-health crises account for roughly a quarter "
                        "of police shootings and more than two million jail bookings a year (Balfour "
                        "et al., Psychiatric Services, 2021).",
                        "Program-reported outcomes: CIT International reports that after Memphis "
                        "adopted CIT, arrests on mental-health calls fell from about 20 to 2 per 100 "
                        "and officer injuries fell by 85 percent (CIT International, Facts and "
                        "Benefits, undated, program-reported). " + _PROGRAM_REPORTED_CAVEAT,
                        "Officer wellness, for internal messages: Mental Health First Aid USA reports "
                        "that 82 percent of officers experience trauma on duty, 92 percent would be "
                        "more open to seeking help if colleagues spoke up first, and 90 percent see "
                        "stigma as a barrier (MHFA USA, 2020s). These come from a training provider "
                        "and should be attributed to it.",
                    ),
                    _page(
                        "Answering hard questions",
                        "Why are police answering these calls at all? Acknowledge the question. "
                        "Explain which calls the agency already routes to the crisis line or a "
                        "clinician, which calls still need an officer because of a weapon or a threat "
                        "of violence, and what the agency is doing with its partners to widen the "
                        "first group.",
                        "Does crisis training actually work? Answer honestly. A multi-site study "
                        "found CIT-trained officers were more likely to refer or transport people to "
                        "services and less likely to arrest them (Compton et al., Psychiatric "
                        "Services, 2014), while a meta-analysis found no significant effect on arrests "
                        "or officer safety (Taheri, Criminal Justice Policy Review, 2016). Explain "
                        "that this is why the agency tracks its own outcomes.",
                        "What changes with 988? Explain that 988 is a separate number from 911 that "
                        "connects callers to crisis counselors, that most contacts are resolved on "
                        "the phone, and describe any local protocol for moving calls between 911 and "
                        "988. Avoid promising that police will never be sent.",
                        "What happened on this specific call? Stay with facts that are confirmed, "
                        "describe the review process and its timeline, and return to the standing "
                        "commitments in the four core messages.",
                    ),
                    _page(
                        "Local figures to gather",
                        "Training coverage: record the number of sworn officers, the number and "
                        "percentage holding CIT or equivalent crisis training, the number and "
                        "percentage holding Mental Health First Aid or an equivalent course, and the "
                        "non-sworn roles included, such as telecommunicators. Note the date of the "
                        "roster extract.",
                        "Calls and outcomes: record how many calls in the last twelve months were "
                        "flagged as involving a mental-health component, how they were resolved "
                        "(resolved on scene, referral, transport for evaluation, arrest), and how "
                        "many involved any use of force. Ask the records unit how calls are "
                        "categorized so the method can be explained if challenged.",
                        "Partnerships: list each partner organization, the date of the written "
                        "agreement, the name of the liaison, and the schedule for joint case reviews. "
                        "If the agency has made the One Mind pledge, record the pledge date and the "
                        "target completion date.",
                        "Sign-off: the chief and the partner organization's director should initial "
                        "the completed worksheet so both sides can stand behind the same language.",
                    ),
                ),
            ),
            DemoAttachment(
                filename="messaging-worksheet-talking-points.docx",
                title="Messaging Worksheet (editable drafting copy)",
                pages=(
                    _page(
                        "Agency profile",
                        "Use this editable copy to draft your agency's version of the talking points. "
                        "Start with a two-sentence description of your crisis response: who answers "
                        "the call, who goes to the scene, and where a person in crisis is taken when "
                        "they need care.",
                        "Next, describe the partnership in plain language. Name the organization, "
                        "say what each side contributes, and give the year the agreement was first "
                        "signed. Avoid acronyms that residents will not recognize.",
                        "Finally, write one sentence on how the agency measures its own performance "
                        "on these calls, and where residents can see the results.",
                    ),
                    _page(
                        "Drafting grid",
                        "For each of the four core messages, write a short version of no more than "
                        "twenty-five words for broadcast interviews, a longer version of three or four "
                        "sentences for print and council briefings, and one supporting fact with its "
                        "source and year.",
                        "Mark any supporting fact that comes from a program's own reporting, and add "
                        "the research caveat in the longer version. Reviewers from the partner "
                        "organization should confirm that the language about health care and "
                        "treatment is accurate and respectful.",
                        "Record who approved the final wording and the date, so the next quarterly "
                        "review knows which version is current.",
                    ),
                    _page(
                        "Media-day checklist",
                        "Before an interview, confirm the local figures are no more than three months "
                        "old, that the partner organization knows the interview is happening, and "
                        "that the spokesperson can explain how mental-health calls are categorized "
                        "in the dispatch system.",
                        "During the interview, use person-first language, do not speculate about the "
                        "mental health of anyone involved in an incident, and bring the conversation "
                        "back to the agency's standing commitments.",
                        "Afterwards, log the questions that were asked. Recurring questions are a "
                        "signal that the worksheet needs a new answer.",
                    ),
                ),
            ),
        ),
    ),
)


# ---------------------------------------------------------------------------
# Model policies and papers
# ---------------------------------------------------------------------------

_POLICY_DEMO_NOTE = (
    "> **Demo summary:** this entry was prepared for MHR as a structured summary. It is not "
    "the association's text. MHR's research copy of the document stops after the purpose and "
    "policy statement, so the elements below are drawn from the stated purpose, from agency "
    "policies modeled on it and from PERF's 1997 model policy. Check them against the "
    "association's PDF before relying on them."
)

_POLICY: tuple[DemoResource, ...] = (
    DemoResource(
        slug="model-policy-persons-in-crisis",
        title="Model Policy: Responding to Persons Experiencing a Mental Health Crisis",
        resource_type="model_policy",
        summary=(
            "The association's August 2018 model policy on responding to a person in crisis "
            "(PIC), issued by its Law Enforcement Policy Center. MHR shows a structured demo "
            "summary of the elements such a policy covers; members should work from the "
            "association's own text."
        ),
        body=_md(
            """
## About this entry

The association's Law Enforcement Policy Center publishes each model policy as a bundle: the **model policy** itself (sequential directives), a **concepts and issues paper** (background), and a **need-to-know** one-page summary. The 2018 edition replaced the 2014 policy and introduced the term *person in crisis* (PIC).

"""
            + _POLICY_DEMO_NOTE
            + """

## Purpose and policy statement (paraphrased)

- Give officers guidance for calls where someone shows behavior consistent with a mental-health crisis.
- Recognize that these encounters can become violent, require hard judgments about a person's state of mind, and call for particular skills.
- Make safe de-escalation the aim, for the person and for officers, wherever it is reasonable and practical and safety allows.
- Follow state law on emergency detention and evaluation.

## Elements a policy of this kind covers

1. Definitions (mental illness, crisis/PIC, CIT officer, emergency evaluation under state law)
2. Recognizing signs of crisis, not diagnosing, and ruling out other causes such as intoxication
3. Assessing risk: weapons, threats, history, self-harm
4. Call-taking and dispatch: identify likely crisis calls, send a CIT-trained officer
5. De-escalation and response tactics, including when to disengage
6. Disposition options: assist, refer, arrest, voluntary or involuntary evaluation
7. Taking into custody for evaluation, strictly on state-law criteria
8. Transport and hand-off to a receiving facility
9. Documentation of every contact
10. Training for all officers plus a specialized cadre
11. Partnerships, referral resources and follow-up

## Adapting it

Replace every reference to detention criteria with your state's statute, name your receiving facility and partners, and have your mental-health partner review the draft. One Mind Campaign agencies can use an adopted policy as evidence for the policy practice.

## Source

International Association of Chiefs of Police, Law Enforcement Policy Center, *Responding to Persons Experiencing a Mental Health Crisis* (Model Policy, Concepts & Issues Paper, Need to Know), August 2018. Listed on the association's mental-health topic page: https://www.theiacp.org/topics/mental-health
"""
        ),
        topics=("Policy", "De-escalation", "Crisis intervention teams", "Dispatch"),
        audience="agency_leaders",
        publisher=_IACP_POLICY_CENTER,
        published_on=_date(2018, 8, 1),
        access="members",
        external_url="https://www.theiacp.org/topics/mental-health",
        attachments=(
            DemoAttachment(
                filename="model-policy-persons-in-crisis.pdf",
                title="Responding to Persons Experiencing a Mental Health Crisis: Demo Policy Summary",
                pages=(
                    _page(
                        "Purpose, scope and definitions",
                        "This document is a demonstration summary prepared for the MHR platform. It "
                        "sets out, in MHR's own words, the elements that a model policy on persons in "
                        "crisis typically contains. It is not the association's policy text and "
                        "should be checked against the official document before an agency adopts "
                        "any of it.",
                        "The purpose of a policy of this kind is to give officers clear direction when "
                        "they are sent to, or come upon, a person whose behavior suggests a "
                        "mental-health crisis. The policy recognizes that these contacts can turn "
                        "dangerous quickly, that officers must make judgments about a person's "
                        "state of mind without clinical training, and that the outcome depends "
                        "heavily on the approach taken in the first minutes.",
                        "Definitions come first. A local version should define mental illness in "
                        "general terms, define a person in crisis by reference to behavior rather "
                        "than diagnosis, define a CIT officer as one who has completed the agency's "
                        "designated crisis course, and define emergency evaluation exactly as the "
                        "state's detention statute does, citing the statute by section.",
                    ),
                    _page(
                        "Recognition and risk",
                        "Officers are not expected to diagnose anyone. They are expected to notice "
                        "behavior that may indicate a crisis: confusion or memory loss, beliefs that "
                        "are plainly out of touch with the situation, hearing or seeing things others "
                        "do not, extreme agitation, deep withdrawal, panic, or speech that does not "
                        "hang together. Agency policies often list these signs so that reports use "
                        "consistent language.",
                        "The same behavior can have medical or chemical causes. Low blood sugar, head "
                        "injury, alcohol and drugs can all look like a psychiatric crisis, so the "
                        "policy should direct officers to consider those causes and to request "
                        "emergency medical services when there is any doubt.",
                        "Risk assessment runs throughout the call: whether a weapon is present or "
                        "accessible, whether threats have been made, what is known from prior "
                        "contacts at the address, and whether the person has harmed or is "
                        "threatening to harm themselves. Risk information gathered by the call-taker "
                        "should reach responding officers before arrival.",
                    ),
                    _page(
                        "Dispatch, approach and de-escalation",
                        "Call-takers should ask about weapons, the person's behavior, and any "
                        "disability or condition the caller knows of. When a call appears to involve "
                        "a crisis, the dispatcher sends a CIT-trained officer. If none is available, "
                        "agency policies commonly send a two-officer unit and bring a CIT officer to "
                        "the scene as soon as one can be freed from a lower-priority call.",
                        "On arrival, officers slow the encounter down. That means a calm, "
                        "non-threatening approach, one officer speaking at a time, a quiet voice, "
                        "space between the officer and the person, and patience. Taking time is a "
                        "tactic: a period of decompression, in which nothing is demanded of the "
                        "person, often lowers agitation more than any command.",
                        "The policy should expressly allow officers to step back or disengage when "
                        "pressing the contact would create more risk than it removes, and no crime "
                        "or immediate danger requires action. The reasons for disengaging are "
                        "recorded, and a follow-up plan is made with the mental-health partner.",
                    ),
                    _page(
                        "Disposition, custody and transport",
                        "Once the situation is stable, officers choose among several outcomes: "
                        "helping the person as a victim or witness, resolving the call with advice "
                        "and a referral, arranging a voluntary evaluation, taking the person into "
                        "protective custody for an involuntary evaluation, or making an arrest when "
                        "a crime requires it. Arrest should not be the default route to treatment.",
                        "Involuntary evaluation is permitted only when the person meets the criteria "
                        "in state law, typically behavior showing a substantial risk of serious harm "
                        "to self or others. The local policy should quote those criteria and name the "
                        "receiving facilities that accept police drop-offs.",
                        "Transport and hand-off should be quick and predictable. The model that CIT "
                        "programs aim for is a single point of entry with no clinical barriers, so "
                        "the officer can brief the receiving staff and return to service with little "
                        "waiting.",
                    ),
                    _page(
                        "Documentation, training and review",
                        "Every contact with a person in crisis should produce a report. Useful fields "
                        "include the call details, the de-escalation steps taken, any safety actions, "
                        "the reasons for disengaging if that happened, referrals and follow-up plans, "
                        "and whether a premises note was added with the partner's agreement.",
                        "All officers receive basic training in recognizing crisis and de-escalation, "
                        "and a specialized group completes a 40-hour CIT course, with refresher "
                        "training at set intervals. Telecommunicators should be included.",
                        "The policy should name the agency's mental-health partners, describe how "
                        "cases are referred for follow-up, and set a schedule for reviewing the "
                        "policy jointly with those partners.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="concepts-issues-paper-persons-in-crisis",
        title="Concepts and Issues Paper: Responding to Persons Experiencing a Mental Health Crisis",
        resource_type="concepts_paper",
        summary=(
            "The background paper that accompanies the association's 2018 model policy on persons "
            "in crisis and explains why each directive matters. MHR's entry is a demo discussion "
            "written around the policy's elements, not the association's paper."
        ),
        body=_md("""
## About this entry

Each model policy from the association's Law Enforcement Policy Center comes with a **concepts and issues paper** that gives the reasoning, research and practical context behind the directives. The full text of the 2018 paper was not available to MHR.

> **Demo summary:** the discussion below and the attached PDF were written for MHR. They follow the element list of the model policy and cite public sources; they are not the association's paper.

## Themes covered in the demo discussion

- **Why a dedicated policy:** calls involving people with mental illness are an estimated 7 to 10 percent of police contacts (Reuland and Margolis, *Police Chief*, November 2003), and they bring a greater chance of someone being hurt and of arrests that do not help anyone.
- **Recognition, not diagnosis:** what officers can reasonably be expected to notice.
- **Time and distance:** why slowing down is a safety tactic, and when disengaging is the right call.
- **Information at dispatch:** what call-takers should ask, and the privacy limits on flagging addresses.
- **Dispositions:** the range of outcomes and why the receiving facility's turnaround time shapes officer decisions.
- **Measuring results:** a small set of measures that show whether the policy is working.

## Who should read it

Command staff drafting or revising a local policy, CIT coordinators preparing in-service training, and the agency's mental-health partners reviewing the draft.

## Source

International Association of Chiefs of Police, Law Enforcement Policy Center, *Responding to Persons Experiencing a Mental Health Crisis: Concepts & Issues Paper*, August 2018 (members-only). https://www.theiacp.org/topics/mental-health
"""),
        topics=("Policy", "De-escalation", "Data and evaluation"),
        audience="cit_coordinators",
        publisher=_IACP_POLICY_CENTER,
        published_on=_date(2018, 8, 1),
        access="members",
        external_url="https://www.theiacp.org/topics/mental-health",
        attachments=(
            DemoAttachment(
                filename="concepts-issues-paper-persons-in-crisis.pdf",
                title="Concepts and Issues: Responding to a Person in Crisis (demo discussion)",
                pages=(
                    _page(
                        "Why a dedicated policy",
                        "This is a demonstration discussion paper written for the MHR platform. It "
                        "follows the elements of a persons-in-crisis model policy and explains, in "
                        "MHR's own words, why each one matters. It is not the association's concepts "
                        "and issues paper.",
                        "Police leaders have long recognized that these calls are both common and "
                        "difficult. Reuland and Margolis, writing in Police Chief in November 2003, "
                        "put them at 7 to 10 percent of police contacts and gave three reasons they "
                        "strain agencies: a greater chance that the person or the officer is hurt, a "
                        "tendency for people without access to treatment to be arrested for minor "
                        "offenses again and again, and damage to community trust when force is used, "
                        "even lawfully.",
                        "Later research sharpened the picture. The Treatment Advocacy Center "
                        "estimated that about 1 in 4 fatal police encounters involve a person with "
                        "severe mental illness (Treatment Advocacy Center, 2015). A written policy "
                        "cannot remove that risk, but it can make the agency's expectations explicit "
                        "and consistent from one shift to the next.",
                    ),
                    _page(
                        "Recognition without diagnosis",
                        "A recurring worry among officers is that they will be blamed for failing to "
                        "identify a condition they are not qualified to diagnose. The policy answers "
                        "this by asking for recognition of behavior, not labels. An officer who "
                        "notes that a person is disoriented, frightened and responding to voices has "
                        "done what the policy asks.",
                        "Recognition also protects people from being misread. Someone who does not "
                        "follow commands may be unable to process them rather than unwilling to obey. "
                        "Training should give officers practice in telling the difference and in "
                        "adjusting their communication when a person cannot keep up.",
                        "Medical causes deserve separate emphasis. Diabetic emergencies, head "
                        "injuries, overdoses and withdrawal can all present as agitation or "
                        "confusion, and they need paramedics rather than persuasion.",
                    ),
                    _page(
                        "Time, distance and disengagement",
                        "Most crisis encounters are not emergencies that require immediate "
                        "resolution. When no one is in immediate danger, time favors everyone: it "
                        "lets agitation fall, lets a CIT officer or clinician arrive, and lets the "
                        "person regain some control over what happens next.",
                        "Distance serves the same end. Keeping space between officers and the person, "
                        "using cover where a weapon may be involved, and avoiding crowding all reduce "
                        "the chance that a frightened person feels cornered.",
                        "Some agency policies go further and expressly permit disengagement when "
                        "continuing the contact would create undue risk and no crime requires action. "
                        "Disengagement is not abandonment: the reasons are documented and the case is "
                        "passed to the mental-health partner for outreach.",
                    ),
                    _page(
                        "Information at dispatch and its limits",
                        "The call-taker is the first member of the agency to hear about a crisis, and "
                        "the questions asked at that point shape the whole response. Asking about "
                        "weapons, about the person's behavior and about any known condition or "
                        "disability lets the dispatcher send the right resources.",
                        "Some agencies allow a premise flag on an address where a person has a crisis "
                        "plan agreed with their family and a clinician. Such flags raise privacy "
                        "questions and should be created only with clear rules on consent, content, "
                        "review dates and removal.",
                        "Calls move between 911 and 988 in a growing number of places. The policy "
                        "should say how a crisis-line transfer is received and when a crisis "
                        "counselor can ask for an officer.",
                    ),
                    _page(
                        "Dispositions and measurement",
                        "The choice between referral, evaluation and arrest is strongly influenced by "
                        "practical factors, above all how long an officer must wait at a receiving "
                        "facility. When hand-off takes hours, arrest can look like the faster option. "
                        "Policy goals therefore depend on partners outside the agency.",
                        "A small set of measures shows whether the policy is working: how many calls "
                        "had a mental-health component, whether a CIT officer attended, how the call "
                        "ended, whether force was used, and how long officers spent on the call and "
                        "at the facility. These can be drawn from computer-aided dispatch and "
                        "incident reports without collecting clinical details.",
                        "Reviewing those measures with the mental-health partner each quarter turns "
                        "the policy from a document into a working agreement.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="need-to-know-persons-in-crisis",
        title="Need to Know: Responding to Persons Experiencing a Mental Health Crisis",
        resource_type="need_to_know",
        summary=(
            "A one-page briefing that accompanies the association's 2018 persons-in-crisis model "
            "policy, suited to roll call. MHR's version is a demo summary for officers, not the "
            "association's sheet."
        ),
        body=_md("""
## About this entry

The association's **Need to Know** sheets condense a model policy into a single page that supervisors can hand out or read at roll call. This one accompanies the 2018 model policy on persons in crisis.

> **Demo summary:** the text and attachment here were written for MHR from the policy's element list. They are not the association's Need to Know sheet.

## The essentials for officers

- **You are not diagnosing.** Describe behavior, rule out medical causes, call EMS when in doubt.
- **Ask dispatch for a CIT officer** and for any risk information: weapons, threats, prior contacts.
- **Slow it down.** Calm voice, one speaker, space, patience. Time is a safety tool.
- **You may step back** when pressing the contact creates more danger than it removes and no crime requires action; document why.
- **Know your options:** assist, advise and refer, voluntary evaluation, emergency evaluation under state law, or arrest when a crime requires it.
- **Write it up** every time, including referrals and follow-up.

## Source

International Association of Chiefs of Police, Law Enforcement Policy Center, *Responding to Persons Experiencing a Mental Health Crisis: Need to Know*, August 2018 (members-only). https://www.theiacp.org/topics/mental-health
"""),
        topics=("Policy", "De-escalation", "Training"),
        audience="officers",
        publisher=_IACP_POLICY_CENTER,
        published_on=_date(2018, 8, 1),
        access="members",
        external_url="https://www.theiacp.org/topics/mental-health",
        attachments=(
            DemoAttachment(
                filename="need-to-know-persons-in-crisis.pdf",
                title="Need to Know: Person in Crisis (demo roll-call sheet)",
                pages=(
                    _page(
                        "At a glance",
                        "This roll-call sheet is demonstration content written for the MHR platform. "
                        "It summarizes the elements of a persons-in-crisis policy in MHR's own words "
                        "and is not the association's Need to Know document.",
                        "A person in crisis is someone whose behavior suggests that their usual "
                        "ability to cope has broken down, whatever the cause. Your job is to keep "
                        "everyone safe, calm the situation and connect the person with help. You are "
                        "not expected to name a condition.",
                        "Before you arrive, ask dispatch whether a CIT officer is assigned, whether a "
                        "weapon has been mentioned, and whether there are prior contacts at the "
                        "address. If no CIT officer is free, ask for one to be sent when available.",
                        "Remember that intoxication, low blood sugar and head injury can look like a "
                        "mental-health crisis. Request EMS if you are unsure.",
                    ),
                    _page(
                        "On scene and afterwards",
                        "Approach calmly and let one officer do the talking. Introduce yourself, use "
                        "the person's name, keep your voice low and your distance generous. Do not "
                        "rush. Silence and waiting are legitimate tactics when no one is in immediate "
                        "danger.",
                        "If the person agrees to go for an evaluation, arrange voluntary transport "
                        "according to agency procedure and tell the receiving facility you are on "
                        "the way. Emergency evaluation without consent is allowed only when the "
                        "person meets the criteria in state law; know those criteria and the "
                        "facilities that accept police drop-offs.",
                        "You may disengage when continuing would create more risk than it removes and "
                        "no crime requires action. Tell your supervisor, record your reasons, and "
                        "make sure the case reaches the mental-health partner for outreach.",
                        "Write a report for every contact: what you saw, what you did to calm the "
                        "situation, how it ended, and any referral or follow-up arranged.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="model-policy-2014-persons-affected-by-mental-illness",
        title="Model Policy (2014, archived): Responding to Persons Affected by Mental Illness or in Crisis",
        resource_type="model_policy",
        summary=(
            "The association's 2014 revised model policy, which the One Mind Campaign originally "
            "pointed agencies to and which the 2018 policy replaced. Kept as archived history with "
            "a public summary."
        ),
        body=_md("""
## Status

**Archived.** This policy was superseded in August 2018 by *Responding to Persons Experiencing a Mental Health Crisis*. It is listed so that agencies whose local policy was built on the 2014 text can trace the history of their wording.

## What the 2014 policy set out to do

In MHR's paraphrase, the association described the 2014 revision as addressing the particular difficulties agencies face on these calls and offering guidance, techniques and resources aimed at a constructive outcome. Its stated purpose and policy statement:

- guide officers who respond to or encounter people whose behavior suggests mental illness or crisis;
- acknowledge that such encounters can become violent and require officers to judge a person's state of mind and intent;
- demand particular skills, and care to avoid both needless force and legal exposure;
- make safe de-escalation the goal whenever it is reasonable, practical and compatible with safety;
- direct officers to follow state law on detention for evaluation;
- resolve each situation as constructively and humanely as possible.

## What changed in 2018

- The 2018 edition reframed the policy around the **person in crisis (PIC)**.
- It was published as a three-part bundle (model policy, concepts and issues paper, need to know).
- The core commitments, de-escalation and lawful detention, carried over.

## Connection to the One Mind Campaign

The original One Mind Campaign page directed agencies working on the policy practice to this 2014 revision. Agencies that pledged in 2016 to 2018 may still cite it in their records.

## Source

International Association of Chiefs of Police, *Responding to Persons Affected by Mental Illness or in Crisis* (Model Policy, revised 2014). http://www.theiacp.org/model-policy/model_policy/mental-illness/
"""),
        topics=("Policy", "De-escalation"),
        audience="agency_leaders",
        publisher=_IACP_POLICY_CENTER,
        published_on=_date(2014, 1, 1),
        access="public",
        external_url="http://www.theiacp.org/model-policy/model_policy/mental-illness/",
    ),
    DemoResource(
        slug="improving-officer-response-mental-illness-disabilities-2015",
        title="Improving Officer Response to Persons with Mental Illness and Other Disabilities",
        resource_type="report",
        summary=(
            "A 2015 association guide that builds on the 2010 Building Safer Communities report and "
            "extends the discussion to people with intellectual and developmental disabilities."
        ),
        body=_md("""
## What it is

A 2015 guide from the association that carries forward the work of its 2010 national policy summit report, *Building Safer Communities*. Where the earlier report focused on mental illness, this guide widens the lens to include **intellectual and developmental disabilities (I/DD)**, which officers meet on many of the same calls.

## Why it matters

- People with I/DD may not follow verbal commands quickly, may not understand their rights, and may be mistaken for people who are intoxicated or defiant.
- Recognizing these possibilities early changes how officers communicate and what outcomes are appropriate.
- The current One Mind Campaign scope statement also covers both mental-health conditions and I/DD, so agencies working on the pledge should read the two together.

## How to use it

- **Policy review:** check that your persons-in-crisis policy mentions disability as well as mental illness, including how officers adjust communication.
- **Training:** add I/DD scenarios to CIT and in-service courses; invite self-advocates and family members to co-teach.
- **Partnerships:** include disability service organizations alongside mental-health providers in your advisory group.

## Related resources

- *Building Safer Communities* (2010) summit report
- The 2018 model policy on persons in crisis
- The Police-Mental Health Collaboration Toolkit, which now covers I/DD

## Source

International Association of Chiefs of Police, *Improving Officer Response to Persons with Mental Illness and Other Disabilities*, 2015. http://www.theiacp.org/responsetomentalill
"""),
        topics=("Training", "Policy", "Partnerships"),
        audience="trainers",
        publisher=_IACP,
        published_on=_date(2015, 1, 1),
        access="public",
        external_url="http://www.theiacp.org/responsetomentalill",
    ),
)


# ---------------------------------------------------------------------------
# Resolutions (illustrative demo summaries)
# ---------------------------------------------------------------------------

_RESOLUTION_NOTE = (
    "> **Demo resolution:** this is an illustrative resolution written for the MHR demo. It is "
    "not the text of any resolution adopted by the association. At the association, "
    "resolutions are proposed by committees, sections, divisions, the board or individual "
    "members, are voted on by the membership after the annual conference, and remain in "
    "force for five years."
)

_RESOLUTIONS: tuple[DemoResource, ...] = (
    DemoResource(
        slug="resolution-coordinating-911-and-988",
        title="Resolution (demo): Coordinating 911 and 988 for Behavioral Health Calls",
        resource_type="resolution",
        summary=(
            "Illustrative demo resolution urging member agencies and emergency communications "
            "centers to adopt written protocols for moving behavioral-health calls between 911 and "
            "the 988 Suicide and Crisis Lifeline. Written for MHR; not an adopted association text."
        ),
        body=_md(
            """
"""
            + _RESOLUTION_NOTE
            + """

## Background

- The FCC approved **988** as the national three-digit crisis number in July 2020, the National Suicide Hotline Designation Act of 2020 put it into law, and it went live nationwide for calls and texts on **July 16, 2022**.
- 988 is separate from 911. Its counselors use the least intrusive intervention that keeps the caller safe, and most contacts are resolved on the call.
- Communities divert crisis calls from police in three main ways: clinicians embedded in 911 centers, dispatch of non-police responders, and protocols that transfer 911 calls to 988.
- Houston's Crisis Call Diversion program, begun in 2015, was the first to embed counselors inside a 911 center.

## What the demo resolution asks

1. Every emergency communications center serving a member agency should have a **written 911-to-988 transfer protocol**, agreed with the regional 988 center.
2. The protocol should define which call types are eligible, which safety screens come first, and how a crisis counselor can request a police or EMS response.
3. Agencies should **measure** transfers in both directions and review them jointly with the crisis center.
4. Telecommunicators should receive crisis training alongside sworn officers.

## Implementation notes

See the attached PDF for the full illustrative text and a short implementation checklist.

## Source

Illustrative text prepared for MHR. Background facts: FCC designation and launch date as reported by Fox News (2022) and SoylentNews (2020); 911 diversion models from the Stepping Up Initiative (https://stepuptogether.org/?p=2799); Houston program from https://safercitiesresearch.com/programs/mental-health-911/?profile=2&view=profile. Association resolutions index: https://www.theiacp.org/resolutions
"""
        ),
        topics=("988 and crisis lines", "Dispatch", "Policy"),
        audience="dispatchers",
        publisher=_DEMO,
        published_on=_date(2022, 10, 19),
        access="members",
        external_url="https://www.theiacp.org/resolutions",
        attachments=(
            DemoAttachment(
                filename="resolution-coordinating-911-and-988.pdf",
                title="Demo Resolution: Coordinating 911 and 988 (illustrative full text)",
                pages=(
                    _page(
                        "Illustrative resolution text",
                        "This resolution was written as demonstration content for the MHR platform. "
                        "It has not been proposed to or adopted by any association, and it does not "
                        "state any association's position.",
                        "Whereas the 988 Suicide and Crisis Lifeline became available nationwide by "
                        "call and text in July 2022, giving residents a three-digit number for "
                        "mental-health and suicidal crises that is distinct from 911; and",
                        "Whereas law enforcement agencies continue to receive a substantial share of "
                        "crisis calls through 911, and many of those calls involve no crime and no "
                        "immediate threat to safety; and",
                        "Whereas communities have shown that trained counselors working with or "
                        "inside 911 centers can resolve many such calls without dispatching an "
                        "officer, freeing patrol time and sparing people in crisis an unnecessary "
                        "police encounter;",
                        "Now, therefore, be it resolved that member agencies are encouraged to work "
                        "with their emergency communications centers and regional 988 providers to "
                        "adopt written protocols for transferring eligible calls in both directions, "
                        "to train telecommunicators in those protocols, and to review the results "
                        "together at regular intervals.",
                    ),
                    _page(
                        "Implementation checklist",
                        "Eligibility: list the call types that may be offered a transfer to 988, "
                        "such as a caller who is thinking about suicide but has no means at hand and "
                        "no one else at risk. List the exclusions, for example any report of a weapon, "
                        "violence in progress or a medical emergency.",
                        "Mechanics: decide whether the telecommunicator stays on the line during a "
                        "warm transfer, how the 988 counselor can reach back to 911 if the situation "
                        "worsens, and what information passes between the two centers under their "
                        "confidentiality rules.",
                        "Measurement: count transfers from 911 to 988 and from 988 back to 911 each "
                        "month, the share that later needed an in-person response, and any incidents "
                        "that the joint review group should examine.",
                        "Governance: name a lead in each organization, meet at least quarterly, and "
                        "revisit the eligibility list after the first six months of operation.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="resolution-crisis-receiving-facilities",
        title="Resolution (demo): Supporting Crisis Receiving Facilities That Accept Police Drop-Offs",
        resource_type="resolution",
        summary=(
            "Illustrative demo resolution supporting crisis receiving and stabilization facilities "
            "that accept every referral source, including officers, with a fast and predictable "
            "hand-off. Written for MHR; not an adopted association text."
        ),
        body=_md(
            """
"""
            + _RESOLUTION_NOTE
            + """

## Background

- SAMHSA's 2020 *National Guidelines for Behavioral Health Crisis Care* describe three core parts of a crisis system: a crisis call center, mobile crisis response, and **crisis receiving and stabilization facilities** that accept all referral sources, including police drop-off.
- The guidelines warn that when crisis care is missing or too thin, communities lean too heavily on hospitals and law enforcement.
- The Memphis CIT model set a goal of a single point of entry with no clinical barriers and minimal officer time.
- CIT International reports that in Memphis officers returned to patrol about 15 minutes after an emergency-room drop-off, compared with about four hours before CIT (CIT International, Facts and Benefits, undated, program-reported). These are the program's own figures; peer-reviewed evidence on CIT outcomes is mixed (Taheri, 2016; Rogers et al., 2019).

## What the demo resolution asks

1. State and local governments should fund at least one receiving facility in each region that **accepts police drop-offs around the clock** without requiring medical clearance at a separate site for routine cases.
2. Agencies and facilities should agree a **target hand-off time** and track it.
3. Facility access should be written into the agency's persons-in-crisis policy and CIT training.

## Source

Illustrative text prepared for MHR. Background: SAMHSA, *National Guidelines for Behavioral Health Crisis Care: Best Practice Toolkit* (2020); CIT Memphis-model goals via https://slideplayer.com./amp/4676176; CIT International, Facts and Benefits (http://www.citinternational.org/cit-overview/131-cit-facts-and-benefits.html). Association resolutions index: https://www.theiacp.org/resolutions
"""
        ),
        topics=("Partnerships", "Crisis intervention teams", "Policy"),
        audience="agency_leaders",
        publisher=_DEMO,
        published_on=_date(2021, 10, 20),
        access="members",
        external_url="https://www.theiacp.org/resolutions",
    ),
    DemoResource(
        slug="resolution-crisis-training-every-officer",
        title="Resolution (demo): Crisis Response Training for Every Sworn Officer",
        resource_type="resolution",
        summary=(
            "Illustrative demo resolution encouraging agencies to give every sworn officer a "
            "recognized crisis course, with a specialized CIT cadre on every shift. Written for "
            "MHR; not an adopted association text."
        ),
        body=_md(
            """
"""
            + _RESOLUTION_NOTE
            + """

## Background

- The association's **One Mind Campaign** asks pledging agencies to train 100 percent of sworn officers: under the current wording, at least 20 percent in CIT, CRIT or an equivalent course and the remaining officers in Mental Health First Aid or an equivalent, within 12 to 36 months.
- The Memphis CIT model trains volunteer patrol officers in a **40-hour** course so that a CIT officer is available on every shift.
- **Mental Health First Aid for Public Safety** is a shorter course (long run as 8 hours; MHFA USA now describes a 6.5-hour version) whose certification lasts three years.
- Evidence on CIT is promising but mixed: CIT-trained officers were more likely to refer or transport and less likely to arrest in one multi-site study (Compton et al., *Psychiatric Services*, 2014), while a meta-analysis found no significant effect on arrests or officer safety (Taheri, 2016).

## What the demo resolution asks

1. Every sworn officer should complete a recognized crisis course, and selected non-sworn staff such as telecommunicators should be included.
2. Agencies should keep enough CIT-trained officers to cover **every shift**, offsetting turnover with regular new classes.
3. Training should be paired with **partnerships and data**, since training alone does not make a crisis program.
4. Funders should treat refresher training and recertification as recurring costs.

## Source

Illustrative text prepared for MHR. Background: IACP One Mind Campaign (launched 2016; https://www.theiacp.org/projects/one-mind-campaign); University of Memphis CIT Center (http://cit.memphis.edu/engagement.php?id=4&page=5); MHFA USA One Mind FAQ (https://www.mentalhealthfirstaid.org/one-mind-pledge-faq/); Compton et al. (2014) and Taheri (2016) as cited. Association resolutions index: https://www.theiacp.org/resolutions
"""
        ),
        topics=("Training", "Crisis intervention teams", "Mental Health First Aid"),
        audience="agency_leaders",
        publisher=_DEMO,
        published_on=_date(2017, 10, 25),
        access="members",
        external_url="https://www.theiacp.org/resolutions",
    ),
)

# ---------------------------------------------------------------------------
# Legislative initiatives (demo position summaries)
# ---------------------------------------------------------------------------

_LEGISLATIVE_NOTE = (
    "> **Demo summary:** this legislative initiative was written for the MHR demo to show how "
    "the association's advocacy positions can be catalogd. It does not state the "
    "association's actual position."
)

_LEGISLATIVE: tuple[DemoResource, ...] = (
    DemoResource(
        slug="legislative-988-sustained-funding",
        title="Legislative Initiative (demo): Sustained Funding for 988 and Local Crisis Response",
        resource_type="legislative_initiative",
        summary=(
            "Demo advocacy summary supporting stable federal and state funding for the 988 Suicide "
            "and Crisis Lifeline and the local crisis centers and mobile teams behind it."
        ),
        body=_md(
            """
"""
            + _LEGISLATIVE_NOTE
            + """

## Why it matters to police leaders

A crisis line only reduces police workload if calls are answered locally and someone can respond in person when needed. Unstable funding for the network behind 988 pushes calls back to 911 and to patrol.

## Key facts

- The FCC approved the number in July 2020, and the **National Suicide Hotline Designation Act (2020)** gave it a basis in law.
- 988 went live nationwide for calls and texts on **July 16, 2022**.
- It runs on the existing Lifeline network (operating since 2005) of **more than 200 local crisis centers**; veterans reach the Veterans Crisis Line by pressing 1, and the old ten-digit number still works.
- Reported volume: 3.6 million contacts in 2021 (South Tahoe Now, 2022); more than 2 million contacts in the first six months after launch (Deseret News, 2023).
- Reported federal investment rose from **$24 million to $432 million** (Fox News, 2022).

## Demo positions

1. Provide **multi-year** funding for local 988 centers so answer rates do not depend on annual appropriations.
2. Fund **mobile crisis teams** and receiving facilities, the "someone to respond" and "a place to go" of the crisis continuum.
3. Support **911 and 988 interoperability**, including call-transfer technology and shared training.
4. Require public reporting of 988 answer rates and transfers to 911.

## Source

Facts from: Fox News, "New US suicide prevention hotline launched" (2022), https://www.foxnews.com/health/new-us-suicide-prevention-hotline-launched; South Tahoe Now (2022), http://southtahoenow.com/story/07/15/2022/national-988-suicide-and-crisis-lifeline-starts-saturday; Deseret News (2023), https://www.deseret.com/2023/1/20/23563950/demand-for-988-suicide-prevention-hotline/. Lifeline: https://988lifeline.org
"""
        ),
        topics=("Legislation", "988 and crisis lines"),
        audience="agency_leaders",
        publisher=_DEMO,
        published_on=_date(2022, 3, 1),
        access="members",
        external_url="https://988lifeline.org",
    ),
    DemoResource(
        slug="legislative-justice-mental-health-collaboration-program",
        title="Legislative Initiative (demo): Support for the Justice and Mental Health Collaboration Program",
        resource_type="legislative_initiative",
        summary=(
            "Demo advocacy summary supporting continued authorization and appropriations for the "
            "Justice and Mental Health Collaboration Program (JMHCP), the federal grant program "
            "behind many police-mental health partnerships."
        ),
        body=_md(
            """
"""
            + _LEGISLATIVE_NOTE
            + """

## What JMHCP is

The **Justice and Mental Health Collaboration Program** is a grant program administered by the Bureau of Justice Assistance (BJA). It was authorized by the Mentally Ill Offender Treatment and Crime Reduction Act of 2004, reauthorized in 2008, and amended by the 21st Century Cures Act. It supports collaboration among criminal-justice, mental-health and substance-use treatment systems so that people with mental illness who come into contact with the justice system reach treatment.

## Why it matters to police leaders

- JMHCP funding **requires collaboration with a mental-health agency**, which matches the partnership practice of the One Mind Campaign.
- Law enforcement grantees have used it to plan and launch police-mental health collaboration models such as CIT and co-responder teams.
- BJA's Police-Mental Health Collaboration Toolkit and the related learning sites give grantees free technical assistance.

## Demo positions

1. Reauthorize JMHCP with a **dedicated law-enforcement purpose area**.
2. Keep planning grants available for small and rural agencies, which often have no crisis-program staff.
3. Allow funds to cover **data systems** for measuring crisis-call outcomes.
4. Encourage joint applications from agencies and their mental-health partners.

## Source

Bureau of Justice Assistance, Justice and Mental Health Collaboration Program award description (statutory basis), https://bja.ojp.gov/funding/awards/2018-mo-bx-0037; BJA, *Justice & Mental Health Collaboration Program* brief (December 2019), https://bja.ojp.gov/library/publications/justice-mental-health-collaboration-program; JMHCP publications, https://bja.ojp.gov/program/jmhcp/publications
"""
        ),
        topics=("Legislation", "Partnerships"),
        audience="agency_leaders",
        publisher=_DEMO,
        published_on=_date(2019, 12, 1),
        access="members",
        external_url="https://bja.ojp.gov/program/jmhcp/publications",
    ),
    DemoResource(
        slug="legislative-medicaid-mobile-crisis",
        title="Legislative Initiative (demo): Medicaid Support for Community Mobile Crisis Teams",
        resource_type="legislative_initiative",
        summary=(
            "Demo advocacy summary supporting federal Medicaid financing for community mobile "
            "crisis teams, as proposed in the CAHOOTS Act, so that clinicians rather than patrol "
            "officers can answer more crisis calls."
        ),
        body=_md(
            """
"""
            + _LEGISLATIVE_NOTE
            + """

## The problem

Many communities have no mobile crisis team, or one that works limited hours. When no clinician can respond, crisis calls default to patrol officers, whatever the call involves.

## The proposal

- The **CAHOOTS Act**, sponsored by Senator Ron Wyden of Oregon, proposed an **enhanced federal Medicaid match** for community-based mobile crisis services. It takes its name from the CAHOOTS program that White Bird Clinic has run in Eugene, Oregon since 1989.
- SAMHSA's 2020 crisis-care guidelines treat mobile crisis response, "someone to respond", as one of three essential parts of a crisis system, alongside call centers and receiving facilities.

## Demo positions

1. Support sustained Medicaid financing for mobile crisis teams, including **after-hours coverage**.
2. Require mobile crisis programs funded this way to publish **joint protocols with law enforcement and 911**, covering when an officer is requested and how quickly.
3. Encourage states to include co-responder programs, where a clinician works with officers, among eligible models.
4. Fund independent evaluation, because much of the available outcome data is reported by programs themselves.

## Source

White Bird Clinic, CAHOOTS program pages (CAHOOTS Act and enhanced Medicaid match), https://whitebirdclinic.org/category/programs/cahoots/; SAMHSA, *National Guidelines for Behavioral Health Crisis Care: Best Practice Toolkit* (2020).
"""
        ),
        topics=("Legislation", "Alternative response", "Co-responder models"),
        audience="community_partners",
        publisher=_DEMO,
        published_on=_date(2021, 3, 1),
        access="public",
        external_url="https://whitebirdclinic.org/category/programs/cahoots/",
    ),
)


# ---------------------------------------------------------------------------
# Police Chief magazine articles
# ---------------------------------------------------------------------------

_ARTICLES: tuple[DemoResource, ...] = (
    DemoResource(
        slug="police-chief-sharing-the-positive",
        title="Sharing the Positive: Using Stats to Dispel Myths and Clarify Facts",
        resource_type="magazine_article",
        summary=(
            "A Police Chief President's Message urging leaders to collect and share agency data, "
            "inside and outside the department, so the public and officers see an accurate picture "
            "of daily policing."
        ),
        body=_md("""
## In brief

This President's Message in *Police Chief* argues that agency data, used well, is one of a leader's best communication tools. The association lists it on its mental-health page because the same approach applies to crisis calls.

## Key points (paraphrased)

- Leaders should stand together in correcting myths and making sure the everyday work of policing is accurately understood.
- Elected officials, reporters and residents are asking for more data, especially on **officer-involved shootings, use of force, arrests, complaints and calls for service**, and that pressure is both local and national.
- Good data supports communication in both directions and makes the agency more transparent. Some figures speak for themselves; others only make sense in combination.
- Share data **with your own officers and staff**, not only with the public. Useful categories include arrests, calls for service, complaints and commendations, use-of-force incidents, and complaints found to be baseless or still under investigation.
- An agency that already tracks these numbers is ready for hard questions, and its commanders can see how daily decisions affect the whole department.

## Applying it to mental-health response

- Publish how many calls had a mental-health component and how they were resolved.
- Report CIT and Mental Health First Aid coverage with the date of the count.
- Show how rarely force was used on crisis calls, and explain how the figures were gathered.
- Pair these with the messaging worksheet's core messages.

## Note on the citation

The author and issue date were not captured in MHR's research notes. The catalog date below is an estimate; confirm it against the magazine before citing.

## Source

*Police Chief* magazine (International Association of Chiefs of Police), President's Message, "Sharing the Positive—Using Stats to Dispel Myths and Clarify Facts" (author and date not captured; catalog year 2017 is an estimate). http://www.policechiefmagazine.org/sharing-the-positiveusing-stats-to-dispel-myths-and-clarify-facts/
"""),
        topics=("Communications", "Data and evaluation"),
        audience="agency_leaders",
        publisher="Police Chief magazine (International Association of Chiefs of Police)",
        published_on=_date(2017, 1, 1),
        access="members",
        external_url="http://www.policechiefmagazine.org/sharing-the-positiveusing-stats-to-dispel-myths-and-clarify-facts/",
    ),
    DemoResource(
        slug="police-chief-police-approaches-focus-on-victims",
        title="Police Approaches That Improve the Response to People with Mental Illnesses: A Focus on Victims",
        resource_type="magazine_article",
        summary=(
            "Melissa Reuland and Gary J. Margolis, writing in Police Chief in November 2003, explain "
            "why mental-health calls challenge agencies and describe specialized police responses "
            "that reduce injuries and connect people to care."
        ),
        body=_md("""
## In brief

An early and widely cited *Police Chief* article (vol. 70, no. 11, pp. 35–39; NCJ 203445) that frames mental-health calls as a core policing issue and surveys the specialized responses then emerging.

## Why these calls are hard (paraphrased)

The authors estimate that calls involving people with mental illness make up **7 to 10 percent of police contacts** (Reuland and Margolis, *Police Chief*, November 2003), and give three reasons they strain agencies:

1. a greater **risk of injury** to both the person and the officer;
2. where community treatment is lacking, people with mental illness are often **arrested for minor offenses**, creating a group of low-level but time-consuming repeat contacts;
3. any use of force, even a lawful one, costs the agency **community trust**.

## Approaches discussed

- Crisis intervention teams
- Comprehensive advanced response
- Mobile crisis teams
- (MHR's copy of the article is cut off here; the list may continue.)

## Goals the approaches share

- fewer injuries and less use of force;
- resolving cases in the system best suited to them, usually mental health rather than criminal justice;
- better access to services for people in crisis and their families.

## Note

The article's title highlights people with mental illness as **crime victims**. That section was not visible in the excerpt MHR reviewed, so it is not summarized here.

## Source

Melissa Reuland and Gary J. Margolis, "Police Approaches That Improve the Response to People with Mental Illnesses: A Focus on Victims," *Police Chief* 70, no. 11 (November 2003): 35–39. International Association of Chiefs of Police. http://www.policechiefmagazine.org/police-approaches-that-improve-the-response-to-people-with-mental-illnesses-a-focus-on-victims/ (NCJRS abstract: https://www.ncjrs.gov/App/Publications/abstract.aspx?ID=203445)
"""),
        topics=("Crisis intervention teams", "Co-responder models", "De-escalation"),
        audience="agency_leaders",
        publisher="Police Chief magazine (International Association of Chiefs of Police)",
        published_on=_date(2003, 11, 1),
        access="public",
        external_url="http://www.policechiefmagazine.org/police-approaches-that-improve-the-response-to-people-with-mental-illnesses-a-focus-on-victims/",
    ),
    DemoResource(
        slug="police-chief-embracing-cit-and-one-mind",
        title="Embracing CIT and the One Mind Campaign to Make a Difference",
        resource_type="magazine_article",
        summary=(
            "A Police Chief article on adopting Crisis Intervention Team training and joining the "
            "One Mind Campaign, prompted by the rise in contacts between officers and people in "
            "mental-health crisis."
        ),
        body=_md("""
## In brief

This *Police Chief* article is one of three the association lists on its mental-health clearinghouse page. It opens by observing that, over the past decade, officers have had more and more contact with people in mental-health crisis without the training or resources to respond well.

## What MHR can say about it

- Only the opening of the article was available to MHR. The body was **not reviewed**. MHR's notes guess that it is an agency case study of adopting CIT and completing the One Mind pledge, but that is unverified, so this entry does not summarize its content or results.
- Members should read the full article on the magazine's site.

## Why it is useful alongside other resources

Read it with:

- the **One Mind Campaign** entry, which sets out the four pledge practices and how their wording has changed;
- the **CIT Core Elements**, which explain why CIT is a community program and not only a course;
- the **Mental Health First Aid for Public Safety** entry, which covers the shorter course that most pledging agencies use for officers outside the CIT cadre.

## Questions to bring to the article

1. How did the agency choose and screen its CIT officers?
2. Which community partner did it work with, and how was the partnership formalized?
3. How did it reach full training coverage within the 12 to 36 month pledge window?
4. What did it measure before and after?

## Note on the citation

The author and issue date were not captured in MHR's research notes. The catalog date is an estimate, later than the campaign's October 2016 launch.

## Source

*Police Chief* magazine (International Association of Chiefs of Police), "Embracing CIT and the One Mind Campaign to Make a Difference" (author and date not captured; catalog year 2019 is an estimate). https://policechiefmagazine.org/embracing-cit-and-one-mind-campaign
"""),
        topics=("Crisis intervention teams", "Training", "Partnerships"),
        audience="cit_coordinators",
        publisher="Police Chief magazine (International Association of Chiefs of Police)",
        published_on=_date(2019, 1, 1),
        access="members",
        external_url="https://policechiefmagazine.org/embracing-cit-and-one-mind-campaign",
    ),
    DemoResource(
        slug="police-chief-working-for-you-one-mind-2016",
        title="IACP Working for You: The One Mind Campaign (November 2016)",
        resource_type="magazine_article",
        summary=(
            "The November 2016 Police Chief column announcing the One Mind Campaign to members, "
            "describing the early-2016 expert symposium it grew from and the pledge it asks "
            "agencies to make."
        ),
        body=_md("""
## In brief

The association's monthly "Working for You" column in *Police Chief* introduced the **One Mind Campaign** to members in November 2016, shortly after its launch at the annual conference.

## Key points (paraphrased)

- Early in 2016 the association convened an advisory group of experts to look at how law enforcement responds to people affected by mental illness.
- A theme that kept returning was that **public safety and mental-health services usually work in parallel** rather than together.
- The campaign's name reflects the aim of bringing communities, public safety and mental health together so that they act "of one mind."
- Agencies join by pledging to carry out **four promising practices within 12 to 36 months**, and agencies that show a serious commitment to all four are publicly recognized as campaign members.

## Context from the same period

A related *Police Chief* piece on the campaign noted that officers increasingly find themselves doing work close to social work, and that gaps in psychiatric funding leave many people cycling between the street and the justice system.

## How to use it

Use this column when explaining the campaign's origins to a council, a union or a new command team. For the pledge requirements themselves, which have been reworded since 2016, see the One Mind Campaign entry.

## Source

*Police Chief* magazine (International Association of Chiefs of Police), "IACP Working for You: November 2016." https://policechiefmagazine.org/iacp-working-for-you-november-2016. Related: "IACP Working for You: One Mind Campaign," https://policechiefmagazine.org/iacp-working-for-you-one-mind-campaign-improving-law-enforcements-response-to-persons-affected-by-mental-illness
"""),
        topics=("Partnerships", "Communications"),
        audience="general_public",
        publisher="Police Chief magazine (International Association of Chiefs of Police)",
        published_on=_date(2016, 11, 1),
        access="public",
        external_url="https://policechiefmagazine.org/iacp-working-for-you-november-2016",
    ),
)


# ---------------------------------------------------------------------------
# Additional resources: One Mind Campaign and the summit report
# ---------------------------------------------------------------------------

_ONE_MIND: tuple[DemoResource, ...] = (
    DemoResource(
        slug="one-mind-campaign",
        title="One Mind Campaign",
        resource_type="campaign",
        summary=(
            "The association's pledge campaign, launched in October 2016, in which agencies commit "
            "to four practices within 12 to 36 months: a mental-health partnership, a response "
            "policy, and crisis training that reaches every sworn officer."
        ),
        body=_md("""
## What the campaign is

The One Mind Campaign aims to make encounters between law enforcement and people with mental-health conditions, and now also intellectual and developmental disabilities, safe and successful. Its name reflects the goal of bringing communities, public safety and mental-health services together so they act "of one mind."

## The pledge (current wording, paraphrased)

Within **12 to 36 months**, a pledging agency will:

1. set up a well-defined, lasting **partnership** with at least one community health organization;
2. develop and implement a **policy** on law-enforcement response to people with mental-health conditions;
3. give **CIT, CRIT or equivalent** crisis training to at least **20 percent** of sworn officers (and selected non-sworn staff such as dispatchers);
4. give **Mental Health First Aid or an equivalent** course to the remaining officers (and selected non-sworn staff).

Together the last two mean every sworn officer holds at least one qualifying course. No percentage is set for non-sworn staff; the agency decides which roles are included.

## Earlier wording

From 2016 to about 2018 the pledge required **MHFA for Public Safety for 100 percent** of sworn officers **plus** CIT for at least 20 percent. An intermediate version added "or equivalent" to both courses. Agencies should record which wording they pledged under.

## Joining and completing

- Agencies join through the association's "Take the Pledge" page (member sign-in required).
- Completion is **self-reported** by email to onemindcampaign@theiacp.org, and the association posts lists of agencies that recently pledged or completed.
- The association's webinar page states that more than 630 agencies worldwide have taken the pledge (undated; the page uses the current wording, so 2020 or later). No public count of completed agencies was found.

## Funding

The campaign is currently supported by BJA Cooperative Agreement No. 2019-NT-BX-K002.

## Source

International Association of Chiefs of Police, One Mind Campaign, launched October 2016. https://www.theiacp.org/projects/one-mind-campaign ; pledge page https://www.theiacp.org/one-mind-pledge ; webinar https://learn.theiacp.org/products/one-mind-campaign-informational-webinar
"""),
        topics=(
            "Partnerships",
            "Policy",
            "Training",
            "Crisis intervention teams",
            "Mental Health First Aid",
        ),
        audience="agency_leaders",
        publisher=_IACP,
        published_on=_date(2016, 10, 17),
        access="public",
        external_url="https://www.theiacp.org/projects/one-mind-campaign",
        attachments=(
            DemoAttachment(
                filename="one-mind-campaign-overview.pdf",
                title="The One Mind Campaign: An Overview for Agency Leaders",
                pages=(
                    _page(
                        "Where the campaign came from",
                        "In March 2016 the association brought together law enforcement and "
                        "mental-health experts to look at how police respond to people affected by "
                        "mental illness. The group kept coming back to one observation: the two "
                        "fields tend to work side by side without really working together.",
                        "The campaign that grew out of that meeting was launched at the association's "
                        "annual conference in San Diego in October 2016, with the head of the "
                        "National Council for Behavioral Health taking part in the announcement. "
                        "Mental Health First Aid for Public Safety, which that council helps run, "
                        "became one of the campaign's training options.",
                        "In June 2017 the association and SAMHSA's GAIN Center held a Best Practice "
                        "Implementation Academy for 23 agencies drawn from three national efforts: "
                        "Data-Driven Justice, Stepping Up and One Mind. Three of the participating "
                        "departments went on to host regional symposia that August to widen "
                        "participation.",
                    ),
                    _page(
                        "The four practices and how the wording changed",
                        "Every version of the pledge sets the same window: complete all four "
                        "practices within 12 to 36 months. The partnership and policy practices have "
                        "stayed essentially the same, apart from the partner description moving from "
                        "community mental-health organization to community health organization.",
                        "The training practices have changed more. The original wording asked for "
                        "Mental Health First Aid for Public Safety for every sworn officer and CIT for "
                        "at least a fifth, so CIT officers held both courses. A later version allowed "
                        "equivalent courses. The current wording asks for CIT, CRIT or an equivalent "
                        "for at least 20 percent and Mental Health First Aid or an equivalent for the "
                        "rest, so each officer needs only one qualifying course.",
                        "Because some agencies list the two training bullets separately, pledging "
                        "agencies sometimes describe five items rather than four. The association "
                        "counts four. Every version includes selected non-sworn staff, such as "
                        "dispatchers, but none sets a percentage for them.",
                    ),
                    _page(
                        "Recognition and what counts as complete",
                        "Agencies that show a serious commitment to carrying out all four practices "
                        "in a timely way are recognized publicly as campaign members. The association "
                        "posts rolling lists of agencies that have recently pledged and of those that "
                        "have recently completed.",
                        "Completion is reported by the agency itself, by email to the campaign. No "
                        "public source describes an audit, document upload or site visit, so agencies "
                        "should keep their own evidence: the signed partnership agreement, the "
                        "adopted policy with its effective date, and a dated training roster.",
                        "Agencies usually announce completion locally with a press release that "
                        "restates the four practices. The association also reminds agencies that "
                        "implementation will differ from place to place and that decisions about "
                        "training costs and funding are a matter of local discretion.",
                    ),
                    _page(
                        "Participation figures and their limits",
                        "The association's informational webinar page says that more than 630 "
                        "agencies around the world have taken the pledge. The page carries no date; "
                        "because it uses the current pledge wording, it was written in 2020 or later.",
                        "Mental Health First Aid USA reported at the campaign's first anniversary in "
                        "October 2017 that close to 80,000 people had been trained in its public "
                        "safety course (MHFA USA, 2017). This is the training provider's own figure "
                        "and covers all trainees, not only officers in pledging agencies.",
                        "No public figure for the number of agencies that have completed the pledge "
                        "was found. A third-party blog in June 2019 mentioned 63 pledging departments; "
                        "that source is of low reliability and should not be quoted.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="one-mind-pledge-workbook",
        title="One Mind Pledge Implementation Workbook",
        resource_type="toolkit",
        summary=(
            "A members-only workbook for agencies that have taken the One Mind pledge, covering how "
            "to plan the four practices, count training coverage correctly and keep evidence for "
            "completion. Prepared as MHR demo content from the campaign's public materials."
        ),
        body=_md("""
## What this workbook is

A practical companion for the **pledge coordinator**, the person who tracks an agency's progress on the One Mind Campaign.

> **Demo content:** this workbook was written for MHR from the association's public One Mind materials. It is not an association publication. The association's pledge form is behind member sign-in and its fields are not public, so the workbook does not reproduce them.

## Inside

- **Planning calendar:** work back from the 36-month outer limit; aim to finish within 12 months where possible.
- **Coverage arithmetic:** how to compute CIT/CRIT and MHFA percentages from the sworn roster under each pledge wording.
- **Evidence folder:** what to keep for each practice.
- **Non-sworn roles:** choosing which roles, such as telecommunicators, to include.
- **Sustaining:** keeping coverage up as officers leave and certificates lapse.

## Quick rules

1. Record the **pledge date** and the **wording version** in force when you pledged.
2. Count coverage against **sworn headcount on the date of the count**, and keep the roster extract.
3. Under the current wording, each officer needs at least one qualifying course: at least 20 percent CIT/CRIT or equivalent, the rest MHFA or equivalent.
4. MHFA certification lasts **three years**; check expiry dates before you report completion.
5. Report completion by email to the campaign and keep a copy.

## Source

Based on International Association of Chiefs of Police, One Mind Campaign pages (https://www.theiacp.org/projects/one-mind-campaign ; https://www.theiacp.org/one-mind-pledge) and MHFA USA, One Mind Pledge FAQ (https://www.mentalhealthfirstaid.org/one-mind-pledge-faq/). Prepared for MHR, 2024.
"""),
        topics=("Training", "Partnerships", "Data and evaluation", "Mental Health First Aid"),
        audience="cit_coordinators",
        publisher=_DEMO + ", based on IACP One Mind Campaign materials",
        published_on=_date(2024, 2, 1),
        access="members",
        external_url="https://www.theiacp.org/one-mind-pledge",
        attachments=(
            DemoAttachment(
                filename="one-mind-pledge-workbook.pdf",
                title="One Mind Pledge Implementation Workbook (demo)",
                pages=(
                    _page(
                        "Planning the 12 to 36 month window",
                        "This workbook is demonstration content prepared for the MHR platform from "
                        "the association's public One Mind Campaign pages. It is not an association "
                        "publication.",
                        "Start by writing down the pledge date and two target dates: twelve months "
                        "after the pledge, the earliest point at which the association expects "
                        "agencies might finish, and thirty-six months after, the outer limit. Most "
                        "agencies find that the training practice sets the pace, because course "
                        "seats are limited and officers must be released from patrol to attend.",
                        "Note which wording of the pledge applied on the pledge date. Agencies that "
                        "pledged in 2016 to 2018 committed to Mental Health First Aid for every sworn "
                        "officer plus CIT for at least a fifth; later pledges follow the current "
                        "wording. Keep the wording on file so that everyone measures against the "
                        "same rule.",
                    ),
                    _page(
                        "Counting training coverage",
                        "Take a roster extract of all sworn officers on a named date. For each "
                        "officer, record whether they hold CIT, CRIT or an equivalent crisis course, "
                        "and whether they hold a current Mental Health First Aid certificate or an "
                        "equivalent. Officers on long-term leave should be counted according to a "
                        "rule the agency writes down in advance and applies consistently.",
                        "Under the current wording, the crisis-course share must be at least 20 "
                        "percent of sworn officers and every other officer must hold the shorter "
                        "course, so that coverage reaches 100 percent. Under the original wording, "
                        "the Mental Health First Aid share must itself reach 100 percent. Round "
                        "percentages down, not up, when reporting.",
                        "Repeat the exercise for the non-sworn roles the agency chose to include. The "
                        "campaign sets no percentage for them, so state the agency's own target "
                        "alongside the result.",
                    ),
                    _page(
                        "Keeping evidence",
                        "Partnership: keep the signed memorandum of understanding or agreement, the "
                        "name of the partner organization and its liaison, and minutes or notes from "
                        "at least two joint meetings. A letter of support alone is weak evidence that "
                        "a partnership is clearly defined and sustainable.",
                        "Policy: keep the adopted policy with its number, effective date and the "
                        "signature of the chief, plus a record showing that officers were trained on "
                        "it. If the policy was adapted from the association's model, note the "
                        "edition used.",
                        "Training: keep course certificates or the provider's class rosters, with "
                        "dates. Certificates for Mental Health First Aid expire after three years, so "
                        "an officer trained early in the pledge period may need recertification "
                        "before the agency reports completion. Note any recertification window the "
                        "provider sets.",
                    ),
                    _page(
                        "Sustaining coverage after completion",
                        "Completion is a milestone, not an end point. New hires, transfers and "
                        "retirements change the roster every month. Build crisis training into the "
                        "field-training program and schedule crisis courses often enough to offset "
                        "turnover, so that a CIT officer is available on every shift.",
                        "Review the partnership at least once a year with the partner's director, "
                        "including a look at referral numbers and any cases that went badly. Review "
                        "the policy on the same cycle and whenever state detention law changes.",
                        "Finally, decide what the agency will report publicly: the training coverage "
                        "figures, the date of the count, and the outcome measures the partners have "
                        "agreed to track.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="one-mind-symposium-report-2016",
        title="Improving Police Response to Persons Affected by Mental Illness: 2016 Symposium Report",
        resource_type="report",
        summary=(
            "Report of the association's March 2016 symposium of law enforcement and mental-health "
            "experts, the meeting that produced the One Mind Campaign."
        ),
        body=_md("""
## What it is

The report of the symposium the association convened in **March 2016** to examine law-enforcement responses to people affected by mental illness. The original One Mind Campaign page linked it alongside a shorter summary guide.

## Main finding (as described by the association)

- Public safety and mental-health services **too often work separately**, even though the people they serve overlap heavily.
- The answer proposed was a campaign to bring communities, law enforcement and mental-health organizations together so that they act "of one mind", which became the One Mind Campaign launched in October 2016.

## What MHR holds

MHR has the title and the association's description of the symposium's conclusions, not the full report. The list of recommendations is therefore not reproduced here. Read the report itself before citing specific recommendations.

## How to use it

- Background for council or board briefings on why your agency has pledged.
- A starting point for a local planning meeting with mental-health partners: the symposium's central finding is a useful question to ask of your own community.

## Related

- One Mind Campaign
- *Building Safer Communities* (2010), the association's earlier summit report
- IACP Working for You: November 2016

## Source

International Association of Chiefs of Police, *Improving Police Response to Persons Affected by Mental Illness* (report of the March 2016 symposium), linked from http://www.theiacp.org/onemindcampaign. A public copy: https://dokumen.tips/documents/improving-police-response-mental-illness-2-improving-police-response-to-persons.html
"""),
        topics=("Partnerships", "Policy"),
        audience="agency_leaders",
        publisher=_IACP,
        published_on=_date(2016, 3, 1),
        access="public",
        external_url="http://www.theiacp.org/onemindcampaign",
    ),
    DemoResource(
        slug="building-safer-communities-2010",
        title="Building Safer Communities: Improving Police Response to Persons with Mental Illness",
        resource_type="report",
        summary=(
            "The association's June 2010 report of recommendations from its May 2009 National Policy "
            "Summit, grouped into five areas from legislation and policy to offender re-entry."
        ),
        body=_md("""
## What it is

*Building Safer Communities: Improving Police Response to Persons with Mental Illness — Recommendations from the IACP National Policy Summit* (June 2010, 32 pages) reports the findings of a national summit the association held in **May 2009**. It was supported by BJA, the JEHT Foundation and SAMHSA (BJA Grant No. 2008-DD-BX-0277), and written by Teri Martin.

## Scope

- The size of the problem and the reasons for current difficulties.
- Approaches that showed promise with both **adults and young people**.
- The report's stance: officers must still arrest people who break the law, but they need information and support to handle mental-health calls well.

## The five recommendation areas

The association later summarized the recommendations as aimed at lawmakers, mental-health professionals and police, in five areas:

1. **Legislation and policy**
2. **First responders**
3. **Youth**
4. **Cross-system collaboration**
5. **Offender re-entry into the community**

## Using it for self-assessment

MHR's self-assessment module uses these five areas as its headings. The attached PDF offers example questions under each area. Those questions were **derived by MHR** from the area names; they are not the report's recommendations, whose text MHR has not reviewed. An earlier idea of grouping recommendations by local, state, federal and tribal level is **unverified** and is not used.

## Source

International Association of Chiefs of Police, *Building Safer Communities: Improving Police Response to Persons with Mental Illness*, June 2010. Catalog record: https://www.publicsafety.gc.ca/cnt/rsrcs/lbrr/ctlg/dtls-en.aspx?d=PS&i=80820928. Five areas as described at https://www.cmhnetwork.org/news/one-mind-campaign-designed-to-improve-police-response-to-persons-affected-by-mental-illness
"""),
        topics=("Policy", "Partnerships", "Legislation"),
        audience="agency_leaders",
        publisher=_IACP,
        published_on=_date(2010, 6, 1),
        access="public",
        external_url="https://www.publicsafety.gc.ca/cnt/rsrcs/lbrr/ctlg/dtls-en.aspx?d=PS&i=80820928",
        attachments=(
            DemoAttachment(
                filename="building-safer-communities-self-assessment.pdf",
                title="Building Safer Communities: Summary and Self-Assessment Questions",
                pages=(
                    _page(
                        "About the summit and report",
                        "In May 2009 the association held a national policy summit on the police "
                        "response to people with mental illness. The resulting report, published in "
                        "June 2010, runs to 32 pages and was supported by the Bureau of Justice "
                        "Assistance, the JEHT Foundation and SAMHSA.",
                        "The report looks at the scale of the issue, the reasons agencies struggle "
                        "with it, and policies and programs that showed promise for both adults and "
                        "young people. It accepts that officers will sometimes need to arrest people "
                        "who have broken the law, while arguing that they need better information and "
                        "support to judge mental-health calls.",
                        "The association later summarized the recommendations as goals for "
                        "legislators, mental-health professionals and law enforcement in five areas. "
                        "The pages that follow offer questions an agency can ask itself under each "
                        "area. MHR derived these questions from the area names; they are not quoted "
                        "from the report.",
                    ),
                    _page(
                        "Legislation, policy and first responders",
                        "Legislation and policy. Does the agency have a written persons-in-crisis "
                        "policy that matches the state's emergency detention statute? Has it "
                        "reviewed, with its partners, what health information can lawfully be shared "
                        "and under what conditions? Does it take part in state and local planning for "
                        "crisis services?",
                        "First responders. Are all officers and telecommunicators trained to "
                        "recognize a crisis and to de-escalate? Is a CIT officer or co-responder "
                        "available on every shift? Do call-taking protocols identify likely "
                        "mental-health calls?",
                        "Is there a receiving facility that accepts police drop-offs quickly, and "
                        "does the agency know its average wait? Long waits at a facility are one of "
                        "the most common reasons officers fall back on arrest.",
                    ),
                    _page(
                        "Youth, collaboration and re-entry",
                        "Youth. Does the agency have protocols for young people in crisis, developed "
                        "with schools, juvenile justice and families? Are officers offered youth-"
                        "focused crisis in-service training, as many CIT programs now provide?",
                        "Cross-system collaboration. Is there a formal agreement with mental-health "
                        "providers, advocates, hospitals and EMS? Does a joint steering group meet on "
                        "a fixed schedule? Are there data-sharing agreements that let the partners "
                        "see shared outcomes without exposing individual records unnecessarily?",
                        "Offender re-entry. Does the agency coordinate with the jail, probation and "
                        "parole, and treatment providers when people with mental illness return to "
                        "the community? Is there a follow-up plan for people who have frequent "
                        "contact with police, developed with their treatment team?",
                    ),
                ),
            ),
        ),
    ),
)


# ---------------------------------------------------------------------------
# Additional resources: CIT, PMHC and Mental Health First Aid
# ---------------------------------------------------------------------------

_CIT_AND_TRAINING: tuple[DemoResource, ...] = (
    DemoResource(
        slug="cit-core-elements",
        title="Crisis Intervention Team Core Elements",
        resource_type="report",
        summary=(
            "The University of Memphis statement of the ten core elements of a CIT program, grouped "
            "as ongoing, operational and sustaining elements, published in September 2007."
        ),
        body=_md("""
## What it is

A 20-page statement by Dupont, Cochran and Pillsbury (University of Memphis, **September 2007**) of what a Crisis Intervention Team program needs beyond the 40-hour course. Its message is often summed up as "CIT is more than training."

## The ten core elements

**Ongoing elements**

1. Partnerships among law enforcement, advocacy groups and mental-health services
2. Community ownership of planning, implementation and networking
3. Policies and procedures

**Operational elements**

4. Defined CIT roles for officers, dispatchers and a coordinator
5. The CIT training curriculum
6. A mental-health receiving facility providing emergency services

**Sustaining elements**

7. Evaluation and research
8. In-service training
9. Recognition and honors
10. Outreach to help other communities develop CIT

## Goals of the Memphis model

- Safer encounters for officers and for people in crisis
- Immediate response by trained officers on every shift
- Redirecting people from the justice system to health care
- A single point of entry to care with no clinical barriers and minimal officer time

## How many officers to train

Commonly cited guidance puts CIT coverage at **20–25 percent of patrol**; the Memphis CIT Center stresses that the real goal is a CIT officer on **every shift**, and small agencies may need a much larger share.

## Source

Dupont, Cochran and Pillsbury, *Crisis Intervention Team Core Elements*, University of Memphis CIT Center, September 2007 (20 pp.). https://www.valorforblue.org/Clearinghouse/656/Crisis-Intervention-Team-Core-Elements ; list as republished at https://www.neomed.edu/cjccoe/cit/training-resources/
"""),
        topics=("Crisis intervention teams", "Partnerships", "Training"),
        audience="cit_coordinators",
        publisher="University of Memphis CIT Center",
        published_on=_date(2007, 9, 1),
        access="public",
        external_url="https://www.valorforblue.org/Clearinghouse/656/Crisis-Intervention-Team-Core-Elements",
        attachments=(
            DemoAttachment(
                filename="cit-core-elements-study-guide.pdf",
                title="CIT Core Elements: A Study Guide for Program Coordinators",
                pages=(
                    _page(
                        "Why the core elements exist",
                        "The first Crisis Intervention Team was formed in Memphis in 1988, when the "
                        "police department worked with the University of Tennessee and the "
                        "University of Memphis after officers fatally shot a man in crisis. As "
                        "the model spread, many communities copied the 40-hour course and little "
                        "else.",
                        "The core elements were written to correct that. They describe the "
                        "structure that has to exist around the course for CIT to work: partners "
                        "who share ownership, written procedures, defined roles, a place to take "
                        "people for care, and habits of review and recognition that keep the program "
                        "alive after its founders move on.",
                        "This study guide summarizes the elements in MHR's words and adds questions "
                        "a coordinator can use to check a local program. It is not the University of "
                        "Memphis text.",
                    ),
                    _page(
                        "Ongoing and operational elements",
                        "Ongoing elements are the foundation. Law enforcement, mental-health "
                        "providers and advocacy groups such as family organizations plan the program "
                        "together, and the wider community treats it as its own. Written policies "
                        "make CIT part of how the agency works rather than a favor from a few "
                        "enthusiasts.",
                        "Operational elements make the program run day to day. CIT officers are "
                        "volunteers screened through supervisor recommendation, disciplinary review, "
                        "interview and review of performance evaluations; assignment to CIT should "
                        "never be used as a disciplinary remedy. Dispatchers need their own training "
                        "so they can recognize crisis calls and send a CIT officer. A coordinator "
                        "holds the program together.",
                        "The receiving facility is the element most often missing. Without a place "
                        "that accepts people in crisis quickly, trained officers have few options "
                        "besides arrest or a long wait at an emergency department.",
                    ),
                    _page(
                        "Sustaining elements",
                        "Evaluation keeps the program honest. Even simple counts of crisis calls, "
                        "dispositions and injuries let partners see whether the program is doing "
                        "what they hoped.",
                        "In-service training keeps skills current and offsets turnover. Programs "
                        "typically add new 40-hour classes each year and offer shorter specialized "
                        "sessions of around eight hours on topics such as youth, veterans and "
                        "suicide, as well as versions for corrections and probation staff.",
                        "Recognition matters more than its modest place in the list suggests. "
                        "Awards for CIT officers, dispatchers and clinicians signal that the work is "
                        "valued. Outreach, the last element, asks established programs to help "
                        "neighboring communities start their own.",
                    ),
                    _page(
                        "Questions for a program check-up",
                        "Who outside the agency sits on the CIT steering group, and when did it last "
                        "meet? Is there a written policy that tells dispatchers when to send a CIT "
                        "officer and what to do when none is free?",
                        "Is a CIT officer available on every shift, in every district, this month? "
                        "How many officers left the program in the last year, and how many were "
                        "trained to replace them?",
                        "How long does an officer wait, on average, at the receiving facility? What "
                        "data does the program publish, and when did the partners last review it "
                        "together? When were CIT officers last publicly recognized?",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="cit-best-practice-guide-2019",
        title="Crisis Intervention Team (CIT) Programs: A Best Practice Guide for Transforming Community Responses to Mental Health Crises",
        resource_type="report",
        summary=(
            "CIT International's August 2019 guide to building and sustaining CIT as a community "
            "program, with partner worksheets, templates and a case study in each chapter."
        ),
        body=_md("""
## What it is

A practical guide from **CIT International** (August 2019), with a foreword by Angela Kimball of NAMI and a preface by CIT founders Sam Cochran and Randolph Dupont. A digital copy is free; a printed copy costs $30.

## Core messages (paraphrased)

- CIT is a **community program**, not only officer training. The course is one small piece.
- A working program also needs lasting **partnerships**, **program infrastructure**, and **changes in both the police and the mental-health system**, including crisis services and receiving facilities.
- The aims are better communication, less trauma, and steering people in crisis **away from the justice system** whenever that can be done.
- Where it can, a community should serve people in crisis through mental-health services and peer support **without involving police at all**.
- The founders warn against "the temptation of training": treating a course as the whole answer.

## Format

Each chapter includes examples, templates, **worksheets for partners** to complete together, and a case study.

## What MHR could not verify

The chapter-by-chapter list of elements was not available to MHR. Expect the guide to build on the ten CIT Core Elements, with added material on dispatch, data and crisis-system partners, but check the guide itself.

## Who should read it

CIT coordinators, mental-health partners and agency leaders starting a program or reviewing one that has stalled.

## Source

CIT International, *Crisis Intervention Team (CIT) Programs: A Best Practice Guide for Transforming Community Responses to Mental Health Crises*, August 2019. https://citinternational.org/bestpracticeguide ; summary by the CSG Justice Center: https://csgjusticecenter.org/mental-health/publications/crisis-intervention-team-cit-programs-a-best-practice-guide-for-transforming-community-responses-to-mental-health-crises/
"""),
        topics=("Crisis intervention teams", "Partnerships", "Alternative response"),
        audience="cit_coordinators",
        publisher="CIT International",
        published_on=_date(2019, 8, 1),
        access="public",
        external_url="https://citinternational.org/bestpracticeguide",
    ),
    DemoResource(
        slug="cit-data-guide-samhsa-2018",
        title="Crisis Intervention Team (CIT) Methods for Using Data to Inform Practice: A Step-by-Step Guide",
        resource_type="report",
        summary=(
            "SAMHSA's 2018 guide (HHS Pub. No. SMA-18-5065) to choosing measures, collecting data "
            "and reporting results for CIT programs."
        ),
        body=_md("""
## What it is

A 66-page SAMHSA guide (HHS Publication No. SMA-18-5065, 2018) that walks CIT programs through building a data system that partners can use to judge whether the program is working.

## Framing questions

1. Which measures connect to the program's goals?
2. Which data help explain what drives law-enforcement responses to people with mental illness?
3. How can collection draw on data the community partners already hold?

## Aligning measures with goals

A practitioner presentation at CIT International's 2018 conference (Lenexa, Kansas Police Department) gave a useful pattern:

- **Officer confidence** → measure training effects
- **Officer and public safety** → use of force and injury rates
- **Diversion** → call dispositions

## Basic measures most programs can collect

- Number and percentage of sworn officers with 40-hour CIT training; the same for telecommunicators and other civilian staff
- Calls with a mental-health component, officer hours on those calls, and time spent transporting
- Dispositions: resolved on scene, referral, transport to treatment, involuntary evaluation, arrest
- Whether a CIT-trained officer attended, and whether force was used

## A known obstacle

BJA notes that **call-type categories in computer-aided dispatch** often make mental-health calls hard to count. Agree the coding rules with dispatch before you start.

## Source

Substance Abuse and Mental Health Services Administration, *Crisis Intervention Team (CIT) Methods for Using Data to Inform Practice: A Step-by-Step Guide*, HHS Pub. No. SMA-18-5065, Rockville, MD, 2018. Available from https://store.samhsa.gov/
"""),
        topics=("Data and evaluation", "Crisis intervention teams", "Dispatch"),
        audience="cit_coordinators",
        publisher="Substance Abuse and Mental Health Services Administration (SAMHSA)",
        published_on=_date(2018, 10, 1),
        access="public",
        external_url="https://store.samhsa.gov/",
        attachments=(
            DemoAttachment(
                filename="cit-data-collection-primer.pdf",
                title="Collecting Crisis-Encounter Data: A Primer for CIT Programs",
                pages=(
                    _page(
                        "Start with goals, not forms",
                        "This primer was written for the MHR platform. It draws on SAMHSA's 2018 "
                        "step-by-step guide, a 2018 CIT International conference presentation on data "
                        "collection, BJA's Police-Mental Health Collaboration Toolkit and published "
                        "research, and it summarizes them in MHR's words.",
                        "The most common mistake is to design a form first and decide later what it "
                        "is for. Begin instead by writing down what the program is trying to change, "
                        "such as fewer injuries, fewer arrests for minor offenses, or more people "
                        "connected to treatment, and then choose one or two measures for each goal.",
                        "The CSG Justice Center's Consensus Project suggested that every agency "
                        "should at least be able to say how often officers encounter people in "
                        "crisis, how those encounters usually end, and how much officer time they "
                        "take. Those three questions make a sensible first year.",
                    ),
                    _page(
                        "Where the data come from",
                        "Most of what a program needs already exists somewhere: computer-aided "
                        "dispatch records give call times and codes, incident reports give "
                        "dispositions and use of force, jail systems give bookings, and EMS and "
                        "emergency-department logs give transports. Some programs keep a short manual "
                        "tally for the items no system captures.",
                        "Research on more than two thousand CIT officer reports found that both the "
                        "dispatch code and the officer's own assessment on scene, including signs of "
                        "substance use, missed medication and threats of violence, shaped whether the "
                        "person went to treatment, to jail or nowhere (Watson et al., 2011). Both are "
                        "worth recording.",
                        "The weak point is usually call coding. A call dispatched as a disturbance may "
                        "turn out to be a crisis, and the final call type is often not updated. Agree "
                        "with dispatch on a flag that officers can set when they clear the call.",
                    ),
                    _page(
                        "A recommended encounter record",
                        "Identifiers and time: incident or dispatch number; time received, time of "
                        "arrival and time cleared, which give time on scene and total officer hours. "
                        "Call source: 911, non-emergency line, officer-initiated, or a transfer from a "
                        "crisis line.",
                        "People and risk: whether a CIT-trained officer attended, how many officers, "
                        "whether a clinician or EMS attended; an age group, whether the person is known "
                        "from earlier contacts, signs of substance use or suicidal thinking, and "
                        "whether a weapon was present and of what kind.",
                        "Actions and results: de-escalation used; any force and its highest level; "
                        "injuries to the person, officers or others; and the disposition, including "
                        "resolved on scene, referral, voluntary transport, involuntary evaluation "
                        "under state law, citation or arrest. For transports, record who transported, "
                        "the destination and the hand-off wait time at the facility.",
                        "Keep the record aggregate-first. Publish counts and rates, suppress small "
                        "numbers, and avoid storing clinical detail the program does not need.",
                    ),
                    _page(
                        "Reading the results",
                        "Counts will often rise when a program starts, simply because officers are "
                        "recording calls they used to code as something else. The Lenexa, Kansas, "
                        "department reported calls with a mental-illness component rising from 279 in "
                        "2014 to 850 in 2018, and officer hours on those calls from 559 to 1,796 "
                        "(Lenexa Police Department, CIT International conference, 2018, agency-"
                        "reported). Rises like this usually reflect better recording as well as more "
                        "need.",
                        "Compare like with like: the same months, the same call types, the same "
                        "districts. Report the share of calls attended by a CIT officer alongside the "
                        "outcomes, because an outcome can only be credited to the program if trained "
                        "officers were actually there.",
                        "Review the figures with partners every quarter, and publish an annual "
                        "summary. Numbers that no one outside the records unit ever sees rarely "
                        "change practice.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="cit-memphis-model-training",
        title="The Memphis Model: 40-Hour CIT Training and Officer Selection",
        resource_type="training",
        summary=(
            "How the original Memphis Crisis Intervention Team trains and deploys volunteer patrol "
            "officers, how many officers programs aim to train, and what the program reports about "
            "its results."
        ),
        body=_md("""
## Origins

Memphis Police Department created the first Crisis Intervention Team in **1988**, working with the University of Tennessee and the University of Memphis (Major Sam Cochran and Dr. Randolph Dupont), after officers fatally shot a man in crisis the year before.

## How the model works

- Patrol officers who **volunteer**, and who pass screening by a supervisor or the CIT coordinator, complete **40 hours** of classroom and scenario-based training in de-escalation.
- They stay on regular patrol and are **dispatched first** to crisis calls on every shift.
- Selection typically includes a supervisor's recommendation, a review of discipline and performance evaluations, and an interview. CIT should never be used as a disciplinary remedy.
- Programs keep running new 40-hour classes to offset turnover, and add shorter in-services of about eight hours on youth, veterans and suicide.

## How many officers to train

- Commonly cited guidance: **20–25 percent** of patrol. Stepping Up suggests about 25 percent; several states aim for about 20 percent.
- The University of Memphis CIT Center says no single percentage suits every community; the goal is CIT coverage on **every shift**.
- Practitioners note that small agencies may need 75–100 percent trained.

## What the program reports

CIT International reports that in Memphis, arrests on mental-health calls fell from about 20 to 2 per 100, officer injuries fell by 85 percent, injuries to people in crisis fell by 40 percent, SWAT call-outs fell by 55 percent, and officers returned to patrol about 15 minutes after an emergency-room drop-off rather than about four hours (CIT International, Facts and Benefits, undated, program-reported).

These figures are reported by the program itself rather than by an independent evaluation. Peer-reviewed evidence on crisis-response outcomes is mixed (Taheri, *Criminal Justice Policy Review*, 2016; Rogers et al., *JAAPL*, 2019), so quote them as "reported by" the program and pair them with this caveat.

## Source

Review of CIT research, *Journal of the American Academy of Psychiatry and the Law* 36(1), 2008, http://jaapl.org/content/36/1/47.full.txt ; University of Memphis CIT Center, http://cit.memphis.edu/engagement.php?id=4&page=5 ; CIT International, Facts and Benefits, http://www.citinternational.org/cit-overview/131-cit-facts-and-benefits.html
"""),
        topics=("Crisis intervention teams", "Training", "De-escalation"),
        audience="trainers",
        publisher="Journal of the American Academy of Psychiatry and the Law; University of Memphis CIT Center",
        published_on=_date(2008, 3, 1),
        access="public",
        external_url="http://cit.memphis.edu/engagement.php?id=4&page=5",
    ),
    DemoResource(
        slug="cit-outcomes-research-compton-2014",
        title="The Police-Based Crisis Intervention Team (CIT) Model: Effects on Force, Referral and Arrest (Compton et al., 2014)",
        resource_type="report",
        summary=(
            "A six-agency study in Psychiatric Services (2014) finding that CIT-trained officers were "
            "more likely to refer or transport people to services and less likely to arrest them, "
            "read here alongside research that found weaker effects."
        ),
        body=_md("""
## The study

Compton and colleagues followed **180 officers** and **1,063 encounters** across **six agencies** and compared officers with and without CIT training (*Psychiatric Services*, 2014).

## Main findings

Compared with officers who had not been trained, CIT-trained officers were:

- **more likely** to refer or transport the person to mental-health services (odds ratio 1.70);
- **less likely** to arrest (odds ratio 0.47);
- more likely to report verbal engagement or negotiation as the highest level of force used (odds ratio 2.00).

## What other research says

- A meta-analysis found **no significant effect** of CIT on arrests (d = 0.180, p = .495) or on officer safety (d = −0.301, p = .191) (Taheri, *Criminal Justice Policy Review*, 2016).
- A review found benefits at the officer level, such as knowledge and attitudes, and likely diversion before booking, but few peer-reviewed studies measuring hard outcomes such as arrests, injuries or force (Rogers et al., *JAAPL*, 2019).

## How to talk about it

- It is accurate to say that CIT has **promising evidence** on officer decisions and that results on arrests and injuries are **mixed**.
- Avoid presenting program self-reports, such as the Memphis outcome figures, as settled fact.
- The strongest argument for an agency is its **own** before-and-after data; see the CIT data guide.

## Source

Michael T. Compton et al., "The Police-Based Crisis Intervention Team (CIT) Model: II. Effects on Level of Force and Resolution, Referral, and Arrest," *Psychiatric Services*, 2014. https://ps.psychiatryonline.org/doi/10.1176/appi.ps.201300108 ; Taheri (2016) and Rogers et al. (2019) as cited.
"""),
        topics=("Crisis intervention teams", "Data and evaluation"),
        audience="cit_coordinators",
        publisher="Psychiatric Services (American Psychiatric Association)",
        published_on=_date(2014, 4, 1),
        access="public",
        external_url="https://ps.psychiatryonline.org/doi/10.1176/appi.ps.201300108",
    ),
    DemoResource(
        slug="mhfa-for-public-safety",
        title="Mental Health First Aid for Public Safety",
        resource_type="training",
        summary=(
            "A short course that teaches officers, dispatchers and other public-safety staff to "
            "recognize signs of mental-health problems, de-escalate and connect people to care; it "
            "is one of the One Mind Campaign's training options."
        ),
        body=_md("""
## What it is

The public-safety version of **Mental Health First Aid (MHFA)**, run in the United States by the National Council for Mental Wellbeing (formerly the National Council for Behavioral Health) with the Maryland and Missouri state mental-health departments.

## Format

- Long run as an **8-hour** course, often in two half-days; MHFA USA's current One Mind FAQ describes a **6.5-hour** course.
- Class size (as set by one provider, Fairfax County): **15 to 25** participants.
- Certification lasts **three years**.

## What it covers

- A five-step action plan for assessing a situation, helping and getting the person to care
- Risk factors and warning signs; types of treatment
- De-escalation; early intervention, diversion and referral
- Officer wellness, woven through the course

## Who takes it

Police officers, other first responders and **911 dispatchers**, as well as corrections, probation and parole, and security staff.

## How it fits with CIT

CIT's 40-hour course is generally regarded as the gold standard. MHFA for Public Safety complements it for officers outside the CIT cadre, serving either as a step toward CIT or as a requirement for every new recruit. Under the current One Mind wording, officers who do not hold CIT or an equivalent need MHFA or an equivalent.

## Officer wellness figures

MHFA USA reports that 82 percent of officers experience trauma on duty, 92 percent would be more open to getting help if others spoke up first, and 90 percent see stigma as a barrier (MHFA USA, 2020s). These are the training provider's figures.

## Source

Mental Health First Aid USA, One Mind Pledge FAQ, https://www.mentalhealthfirstaid.org/one-mind-pledge-faq/ ; "Police receive extra training" (2015), https://www.mentalhealthfirstaid.org/external/2015/05/police-receive-extra-training/ ; Fairfax County CSB FAQ, https://www.fairfaxcounty.gov/community-services-board/training/mental-health-first-aid-faqs-public-safety ; *Police Chief*, "Mental Health First Aid for Public Safety: Three Case Studies," https://policechiefmagazine.org/mental-health-first-aid-for-public-safety-three-case-studies ; recertification: Michigan State University Extension MHFA FAQ, https://www.canr.msu.edu/mental-health-first-aid/faqs
"""),
        topics=("Mental Health First Aid", "Training", "Officer wellness", "Dispatch"),
        audience="trainers",
        publisher="National Council for Mental Wellbeing (Mental Health First Aid USA)",
        published_on=_date(2015, 5, 1),
        access="public",
        external_url="https://www.mentalhealthfirstaid.org/one-mind-pledge-faq/",
        attachments=(
            DemoAttachment(
                filename="mhfa-public-safety-course-planner.pdf",
                title="Mental Health First Aid for Public Safety: A Course Planner for Agencies",
                pages=(
                    _page(
                        "Why agencies choose this course",
                        "This planner was written for the MHR platform from public information about "
                        "the course. It is not published by Mental Health First Aid USA.",
                        "Mental Health First Aid for Public Safety gives every officer a shared "
                        "baseline: how to notice that someone may be struggling, how to slow an "
                        "encounter down, and how to hand the person on to help. Because it is a "
                        "single working day or less, agencies can schedule it far more easily than "
                        "the 40-hour CIT course.",
                        "For agencies in the One Mind Campaign, the course is the usual way to cover "
                        "the officers who are not in the CIT cadre. Under the original 2016 wording "
                        "of the pledge, every sworn officer needed it, including those who also held "
                        "CIT.",
                    ),
                    _page(
                        "Scheduling and logistics",
                        "Providers commonly run the course as two half-days, which lets patrol "
                        "squads attend without losing a full shift. One county provider sets a "
                        "minimum of fifteen and a maximum of twenty-five participants, so plan "
                        "classes around whole squads or combine small agencies.",
                        "Telecommunicators can take the same course. Mixing dispatchers and officers "
                        "in one class helps each side understand what the other hears and sees on a "
                        "crisis call, and it counts toward the non-sworn staff the pledge mentions.",
                        "Ask the provider whether instructors have public-safety experience. "
                        "Participants respond better when scenarios reflect real calls, such as a "
                        "welfare check on someone who has stopped answering the door.",
                    ),
                    _page(
                        "Certification, expiry and renewal",
                        "Certification lasts three years. An agency that trains everyone in its first "
                        "pledge year will see all those certificates expire together, so stagger "
                        "classes or plan a renewal cycle from the start.",
                        "For the adult and youth courses, one provider's FAQ (Michigan State "
                        "University Extension) describes an online, self-paced refresher for people "
                        "trained through MHFA's Connect platform since October 2021, available only "
                        "within a 90-day recertification window before expiry; after that, the full "
                        "course must be retaken. Confirm with the provider whether "
                        "the same arrangement applies to the public-safety course.",
                        "Keep certificates with their issue dates in the training record so that "
                        "coverage reports can exclude lapsed certificates automatically.",
                    ),
                ),
            ),
        ),
    ),
)


# ---------------------------------------------------------------------------
# Additional resources: partnerships, crisis systems and alternative response
# ---------------------------------------------------------------------------

_CRISIS_SYSTEM: tuple[DemoResource, ...] = (
    DemoResource(
        slug="pmhc-toolkit",
        title="Police-Mental Health Collaboration (PMHC) Toolkit",
        resource_type="toolkit",
        summary=(
            "BJA's online toolkit, built with the CSG Justice Center and launched in October 2016, "
            "for planning, running and measuring partnerships between police agencies and "
            "mental-health providers."
        ),
        body=_md("""
## What it is

An online toolkit from the **Bureau of Justice Assistance (BJA)**, developed with the **Council of State Governments (CSG) Justice Center** and launched at the association's annual conference on **October 17, 2016**. The original One Mind Campaign page pointed agencies to it for the partnership practice.

## Sections

- **Learning:** benefits, types of collaboration and essential elements
- **Planning and implementing**
- **Training**
- **Managing**
- **Measuring performance**
- **Delivering behavioral health**

The current version adds a **PMHC Self-Assessment**, covers people with intellectual and developmental disabilities as well as mental illness, and includes a section on responding to homelessness.

## Managing a collaboration

The toolkit lists the management pieces a program needs: policies and procedures, call-taking and dispatch procedures, diversion protocols, partnership agreements with providers, information-sharing protocols, a designated program coordinator (often a collateral duty in small agencies), and shared management with mental-health agencies and advocates.

## Measuring performance

Set goals and objectives first, then choose data. Do both routine performance measurement and periodic evaluation, drawing on dispatch records, incident reports, jail admissions, EMS logs and emergency-department data.

## Facts the toolkit cites

- About 1 in 5 Americans is affected by mental illness in a given year, and only 41 percent of U.S. adults with mental illness received services in the past year (BJA PMHC Toolkit, 2016+).
- Up to 10 percent of calls for service involve someone with a severe mental illness (BJA PMHC Toolkit, 2016+).

## Source

Bureau of Justice Assistance and CSG Justice Center, *Police-Mental Health Collaboration (PMHC) Toolkit*, 2016. https://bja.ojp.gov/program/pmhc ; launch notice https://bjatta.bja.ojp.gov/media/news/explore-new-online-police-mental-health-collaboration-toolkit
"""),
        topics=("Partnerships", "Data and evaluation", "Policy"),
        audience="agency_leaders",
        publisher="Bureau of Justice Assistance and Council of State Governments Justice Center",
        published_on=_date(2016, 10, 17),
        access="public",
        external_url="https://bja.ojp.gov/program/pmhc",
        attachments=(
            DemoAttachment(
                filename="pmhc-toolkit-orientation.pdf",
                title="Getting Started with the PMHC Toolkit: An Orientation for Partnership Teams",
                pages=(
                    _page(
                        "Before you open the toolkit",
                        "This orientation was written for the MHR platform to help a new partnership "
                        "team find its way around BJA's toolkit. It summarizes the toolkit in MHR's "
                        "words and is not a BJA publication.",
                        "The toolkit assumes that a police agency and at least one mental-health "
                        "organization have decided to work together. Before using it, name a lead "
                        "from each side and agree on the first problem you want to solve, such as "
                        "long waits at the emergency department or frequent calls about the same few "
                        "people.",
                        "Then take the self-assessment together. Answering as a joint team, rather "
                        "than separately, surfaces the differences in how each side sees the current "
                        "system, which is often the most useful result.",
                    ),
                    _page(
                        "Choosing a response model",
                        "The toolkit describes several ways police and mental-health services can "
                        "work together. The most common are specialized police responses such as CIT, "
                        "co-responder teams that pair officers with clinicians, and mobile crisis "
                        "teams run by mental-health providers, sometimes with police support.",
                        "The right choice depends on call volume, geography and what services already "
                        "exist. A rural county with a single mobile team may rely on telephone "
                        "consultation; a city may combine CIT officers on every shift with a few "
                        "co-responder units in the busiest districts.",
                        "Whatever the model, the hand-off matters. A warm handoff, in which the "
                        "officer introduces the person directly to the clinician or crisis worker "
                        "instead of simply passing on a phone number, makes it far more likely that "
                        "the person actually connects with care.",
                    ),
                    _page(
                        "Running the partnership",
                        "Write down how the partnership works: who convenes it, how often it meets, "
                        "what each partner contributes, and how disagreements are settled. A short "
                        "memorandum of understanding is usually enough to start.",
                        "Information sharing needs particular care. Agree in writing what "
                        "information officers may pass to clinicians and the reverse, under which "
                        "legal authority, and how it is stored. Health-privacy rules limit what "
                        "providers may disclose, and officers should know those limits before they "
                        "ask.",
                        "Name a program coordinator. In a small agency this is often a collateral "
                        "duty for a sergeant or a civilian analyst, but someone must own the schedule, "
                        "the data and the follow-up list.",
                    ),
                    _page(
                        "Measuring what the partnership achieves",
                        "Agree on goals first, then choose measures. The CSG Justice Center's 2019 "
                        "framework suggests tracking connections to services, repeat encounters and "
                        "arrests, among other outcomes, and reviewing them on a fixed cycle.",
                        "Start with data the partners already hold: dispatch records for call volume "
                        "and time, incident reports for dispositions, jail admissions, EMS logs and "
                        "emergency-department records. Add a simple flag in dispatch for calls with a "
                        "mental-health component if none exists.",
                        "Report results to both organizations' leadership at least twice a year. A "
                        "partnership that can show results is much easier to fund.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="pmhc-framework-2019",
        title="Police-Mental Health Collaborations: A Framework for Implementing Effective Law Enforcement Responses",
        resource_type="report",
        summary=(
            "The CSG Justice Center's April 2019 framework that poses six questions law enforcement "
            "executives should be able to answer about their partnerships with mental-health services."
        ),
        body=_md("""
## What it is

A 24-page framework from the **CSG Justice Center** (April 2019, NCJ 254860) titled *Police-Mental Health Collaborations: A Framework for Implementing Effective Law Enforcement Responses for People Who Have Mental Health Needs*.

## Six questions for law enforcement executives

1. **Leadership:** are the agency's leaders committed to the collaboration?
2. **Procedures:** are there clear written procedures for responding to people with mental-health needs?
3. **Training:** do staff receive sound training in mental health and stabilization?
4. **Services:** can the community offer a full range of mental-health services and supports?
5. **Data:** does the agency gather and analyze data against the collaboration's key outcomes?
6. **Improvement:** is there a formal, continuing process for reviewing results and improving?

## The key outcomes

The framework measures collaborations against **four key outcomes**. Three are confirmed in MHR's notes:

- more **connections to resources** and services;
- fewer **repeat encounters** with the same people;
- fewer **arrests**.

The wording of the fourth outcome is **not confirmed** in MHR's notes; check the framework before citing it.

## Follow-up tools

- **PMHC Self-Assessment Tool** and a **Project Coordinator's Handbook** (March 2024)
- **Checklist for County and City Leaders** (2016), whose first criterion is showing that the collaboration is a jurisdiction priority in funding and policy

## How MHR uses it

The six questions map well onto MHR's self-assessment module, and they pair naturally with the Stepping Up Initiative's six questions for county leaders.

## Source

Council of State Governments Justice Center, *Police-Mental Health Collaborations: A Framework for Implementing Effective Law Enforcement Responses for People Who Have Mental Health Needs*, April 2019. https://ojp.gov/ncjrs/virtual-library/abstracts/police-mental-health-collaborations-framework-implementing ; https://www.communitysuccess.org/news-item/police-mental-health-collaborations-a-framework-for-implementing-effective-law-enforcement-responses-for-people-who-have-mental-health-needs/
"""),
        topics=("Partnerships", "Data and evaluation", "Policy"),
        audience="agency_leaders",
        publisher="Council of State Governments Justice Center",
        published_on=_date(2019, 4, 1),
        access="public",
        external_url="https://ojp.gov/ncjrs/virtual-library/abstracts/police-mental-health-collaborations-framework-implementing",
    ),
    DemoResource(
        slug="988-suicide-and-crisis-lifeline",
        title="988 Suicide and Crisis Lifeline",
        resource_type="external_link",
        summary=(
            "The national three-digit number for suicidal and mental-health crises, live across the "
            "United States since July 16, 2022, and what it means for police agencies and 911 centers."
        ),
        body=_md("""
## What it is

**988** is the national three-digit number for people in suicidal or mental-health crisis, reachable by call and text. The FCC approved it in July 2020, the National Suicide Hotline Designation Act of 2020 put it into law, and carriers had to activate it by **July 16, 2022**, when it went live nationwide.

## How it works

- Calls route to the existing Lifeline network, running since 2005, of **more than 200 local crisis centers**.
- Veterans press 1 to reach the Veterans Crisis Line; the old ten-digit Lifeline number still works.
- 988 is **separate from 911**. Counselors use the least intrusive intervention that keeps the person safe, and most contacts are resolved during the call.

## Reported volume and funding

- 3.6 million contacts in 2021 (South Tahoe Now, 2022)
- More than 2 million contacts in the first six months after launch (Deseret News, 2023)
- Federal investment raised from $24 million to $432 million (Fox News, 2022)

## What it means for police agencies

- Some calls that used to reach 911 will now go to 988; others will still come to 911 and may be **transferred to 988** under local protocols.
- 988 centers may need to request a police or EMS response when a caller is in immediate danger; agencies should know how those requests arrive.
- Officers can give people the number as part of a referral.

## Source

988 Suicide and Crisis Lifeline, https://988lifeline.org. Facts as reported by Fox News (2022), https://www.foxnews.com/health/new-us-suicide-prevention-hotline-launched ; https://americanhw.com/988-could-be-a-lifeline-for-americans/ ; Herald-Palladium, https://www.heraldpalladium.com/news/suicide-prevention-line-to-be-activated-by-mid-july/article_1713e58f-65f8-5688-8aba-b2e3e784bc4e.html
"""),
        topics=("988 and crisis lines", "Dispatch", "Partnerships"),
        audience="general_public",
        publisher="988 Suicide and Crisis Lifeline (SAMHSA)",
        published_on=_date(2022, 7, 16),
        access="public",
        external_url="https://988lifeline.org",
        attachments=(
            DemoAttachment(
                filename="988-and-911-coordination-brief.pdf",
                title="988 and 911: A Coordination Brief for Police Agencies",
                pages=(
                    _page(
                        "Two numbers, different jobs",
                        "This brief was written for the MHR platform from public reporting on 988 "
                        "and on 911 diversion programs. It is not published by the Lifeline or by "
                        "SAMHSA.",
                        "911 exists to send help to a location: police, fire or an ambulance. 988 "
                        "exists to talk with a person in crisis, and in most cases the conversation "
                        "itself is the help. Its counselors are trained to use the least invasive "
                        "intervention that keeps the caller safe, and most contacts end on the "
                        "phone.",
                        "The two systems meet at the edges. Some people in crisis will keep calling "
                        "911 out of habit, and some 988 callers will be in immediate danger. Each "
                        "agency needs to know how calls cross between the two in its area.",
                    ),
                    _page(
                        "Ways communities divert crisis calls",
                        "Three approaches have emerged. In the first, licensed counselors work inside "
                        "the 911 center and take suitable calls directly. Houston's Crisis Call "
                        "Diversion program, begun in 2015, was the first of these; its tele-counselors "
                        "handle non-violent behavioral-health calls that involve no crime and can "
                        "close many without sending an officer. Philadelphia has placed behavioral-"
                        "health navigators in its 911 center since September 2020.",
                        "In the second, 911 dispatches a non-police team, such as a mobile crisis "
                        "team or a civilian responder like Eugene's CAHOOTS or Denver's STAR, to "
                        "eligible calls.",
                        "In the third, the 911 center follows a written protocol to transfer eligible "
                        "calls to 988. This is the simplest to start but depends on good screening "
                        "for weapons, violence and medical emergencies before any transfer.",
                    ),
                    _page(
                        "What a police agency should put in place",
                        "Agree a transfer protocol with the 911 center and the regional 988 provider, "
                        "covering eligible call types, exclusions, whether the transfer is warm or "
                        "cold, and how 988 asks for an in-person response. Review it after six "
                        "months.",
                        "Train officers and telecommunicators on what 988 does and does not do. "
                        "Officers can offer the number as part of a referral and should know the "
                        "local crisis center by name.",
                        "Count transfers in both directions and the share that later needed a police "
                        "response. Report those figures with other crisis-call data so that council "
                        "members can see how the system is performing.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="houston-crisis-call-diversion",
        title="Houston Crisis Call Diversion Program",
        resource_type="report",
        summary=(
            "The first program in the nation to embed licensed crisis counselors in a 911 center, "
            "begun in Houston in 2015 to resolve suitable behavioral-health calls without sending "
            "police."
        ),
        body=_md("""
## What it is

Houston's **Crisis Call Diversion (CCD)** program, run by The Harris Center for Mental Health and IDD with the Houston Police Department, places licensed tele-counselors inside the **Houston Emergency Center**. Begun in **2015**, it is described as the first embedded program of its kind in the United States.

## How it works

- Counselors work on site **6 a.m. to 10 p.m., seven days a week**.
- Call-takers route **non-violent behavioral-health calls that involve no crime** to a counselor.
- Counselors can assess the caller, arrange services and close many calls **without dispatching police**.

## Reported results

- More than 7,400 calls diverted from police since March 2016, representing about 11,163 officer-hours and more than $2 million; about $821,000 a year in first-responder savings (Harris Center, program-reported).
- More than 13,000 calls diverted since 2016 (NIJ award description, 2022).

These figures are reported by the program and its funders rather than by an independent evaluation. Peer-reviewed evidence on crisis-response outcomes is mixed (Taheri, 2016; Rogers et al., 2019), so present them as "reported by" the program. An NIJ-funded study awarded in 2022 may add independent evidence.

## Lessons for other agencies

1. Start with clear **eligibility rules** agreed by police, dispatch and the mental-health provider.
2. Decide staffing hours from **call-time data**.
3. Track diverted calls and any that later needed police, and publish both.

## Source

The Harris Center for Mental Health and IDD, Crisis Call Diversion, https://hcintercept.org/Community-Services/Crisis-Care-Continuum/Crisis-Call-Diversion ; National Institute of Justice award 15PNIJ-22-GG-03575-RESS (2022), https://nij.ojp.gov/funding/awards/15pnij-22-gg-03575-ress ; program profile https://safercitiesresearch.com/programs/mental-health-911/?profile=2&view=profile
"""),
        topics=("Dispatch", "988 and crisis lines", "Alternative response"),
        audience="dispatchers",
        publisher="The Harris Center for Mental Health and IDD",
        published_on=_date(2022, 10, 1),
        access="public",
        external_url="https://hcintercept.org/Community-Services/Crisis-Care-Continuum/Crisis-Call-Diversion",
    ),
    DemoResource(
        slug="co-responder-models",
        title="Co-Responder Team Programs: Models and Evidence",
        resource_type="report",
        summary=(
            "An overview of programs that pair law enforcement with behavioral-health clinicians on "
            "crisis calls, the main program designs, well-known examples and what evaluations show."
        ),
        body=_md("""
## What a co-responder program is

Law enforcement and a **behavioral-health clinician** respond together to calls involving mental health or substance use. The two basic forms are:

- **ride-together:** the officer and clinician share a vehicle for the whole shift;
- **call-out:** the clinician is called to the scene when officers need one.

The clinician screens and assesses on scene, plans the disposition, makes referrals and links to services, follows up afterwards, and cross-trains officers.

## Design variants

- **Embedded**, patrol-based teams
- **Call-out or hybrid** arrangements
- **Follow-up and case management** teams that reach people after a crisis call
- Integration with a **regional mobile crisis** service

## Examples

- **LAPD SMART**, running since 1993 with 17 teams and 24-hour coverage
- **Boulder County EDGE** (Colorado)
- A jail-diversion clinician working with the **Arlington, Massachusetts** police
- **Denver's** co-responder program (2016), which came before the city's STAR civilian response

## Evidence

- A review of co-responding programs found strong links to community services and reduced pressure on the justice system, but limited evidence on other outcomes (Shapiro et al., 2015).
- The association and the University of Cincinnati Center for Police Research and Policy reviewed the evidence in *Assessing the Impact of Co-Responder Team Programs*, funded by BJA (grant 2020-NT-BX-K001).
- In testimony to a Canadian parliamentary committee, Chief Nishan Duraiappah described co-response as averting "upwards of 50%" of mental-health apprehensions (Canadian Parliament, 2020). This is testimony about his service's experience, not an evaluation.

## Source

International Association of Chiefs of Police and University of Cincinnati Center for Police Research and Policy, *Assessing the Impact of Co-Responder Team Programs* (BJA grant 2020-NT-BX-K001), https://vdocuments.us/assessing-the-impact-of-co-responder-team-programs-a-.html ; Stepping Up Resource Lab, co-responder team, https://stepuptogether.org/resource_lab/co-responder-team/ ; Colorado Department of Human Services, https://www.colorado.gov/pacific/cdhs/co-responder-programs
"""),
        topics=("Co-responder models", "Partnerships", "Data and evaluation"),
        audience="agency_leaders",
        publisher="International Association of Chiefs of Police and University of Cincinnati Center for Police Research and Policy",
        published_on=_date(2020, 10, 1),
        access="public",
        external_url="https://stepuptogether.org/resource_lab/co-responder-team/",
        attachments=(
            DemoAttachment(
                filename="co-responder-program-design-notes.pdf",
                title="Designing a Co-Responder Program: Notes for Agency Planners",
                pages=(
                    _page(
                        "Choosing a design",
                        "These notes were written for the MHR platform from public descriptions of "
                        "co-responder programs. They are not published by the association or the "
                        "University of Cincinnati.",
                        "The first decision is whether the clinician rides with an officer for the "
                        "whole shift or is called out when needed. Riding together gives the fastest "
                        "response and builds trust between the two professions quickly, but it ties "
                        "a clinician to one car. Call-out arrangements stretch scarce clinicians "
                        "across a wider area at the cost of slower arrival.",
                        "Many programs add a follow-up function. A clinician, sometimes with an "
                        "officer, visits people after a crisis call to help them reach services and "
                        "to prevent the next call. For people with frequent police contact this may "
                        "matter more than the initial response.",
                    ),
                    _page(
                        "Staffing and working together",
                        "Clinicians need an orientation to police work before they start: radio "
                        "procedure, scene safety, report writing and the agency's policies. A few "
                        "ride-along shifts before the program launches help both sides learn each "
                        "other's habits.",
                        "Officers need the reverse: what the clinician can and cannot do, what "
                        "health-privacy rules mean for the information the clinician can share, and "
                        "how decisions about evaluation are made. Cross-training sessions in which "
                        "each side teaches the other are a common feature of established programs.",
                        "Decide in advance who leads on scene. A simple rule works well: the officer "
                        "is responsible for safety until the scene is secure; after that the "
                        "clinician leads the assessment and disposition plan.",
                    ),
                    _page(
                        "What to measure",
                        "Record every co-responder contact: how the call arrived, time on scene, "
                        "whether the person was already known to the team, and how the contact "
                        "ended. Useful outcomes include referrals made and kept, transports for "
                        "evaluation, arrests, use of force and repeat contacts.",
                        "Compare against similar calls handled without a clinician in the same "
                        "period, and be cautious about crediting the program with changes that may "
                        "have other causes. Evaluations so far show strong links to community "
                        "services but limited evidence on other outcomes.",
                        "Share results with the clinician's employer and with patrol. Officers are "
                        "more likely to request the team when they see what it achieves.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="crisis-now-national-guidelines-2020",
        title="National Guidelines for Behavioral Health Crisis Care: Best Practice Toolkit (Crisis Now)",
        resource_type="report",
        summary=(
            "SAMHSA's 2020 guidelines describing the three core parts of a crisis system: someone to "
            "talk to, someone to respond and a place to go, building on the 2016 Crisis Now framework."
        ),
        body=_md("""
## What it is

SAMHSA's *National Guidelines for Behavioral Health Crisis Care: A Best Practice Toolkit* (2020) sets out what a complete crisis system looks like. It builds on the **Crisis Now** framework produced in 2016 by the National Action Alliance for Suicide Prevention's Crisis Services Task Force (David Covington and Michael Hogan). SAMHSA has since published separate guidelines for children and youth.

## Three core elements

1. **Crisis call centers:** someone to talk to
2. **Mobile crisis response:** someone to respond
3. **Crisis receiving and stabilization facilities:** a place to go

## Crisis care for anyone, anywhere, anytime

- Call lines accept **every call** and dispatch help according to assessed need.
- Mobile teams go **wherever the person is** in the community, not to hospital emergency departments.
- Facilities accept people from **every referral source**, including **police drop-off**.
- Where crisis care is missing or thin, communities lean too heavily on hospital stays, emergency departments and **law enforcement**.

## Why police leaders should read it

The guidelines describe the services that determine whether officers have somewhere to take a person in crisis and someone to hand the call to. They are a strong basis for conversations with county and state mental-health authorities.

## Source

Substance Abuse and Mental Health Services Administration, *National Guidelines for Behavioral Health Crisis Care: Best Practice Toolkit*, 2020. https://www.samhsa.gov/sites/default/files/national-guidelines-for-behavioral-health-crisis-care-02242020.pdf ; state profiles of the crisis continuum: https://nri-inc.org/our-work/nri-reports/2022-profiles-smha-the-bh-crisis-continuum-april-2023/
"""),
        topics=("988 and crisis lines", "Alternative response", "Partnerships"),
        audience="community_partners",
        publisher="Substance Abuse and Mental Health Services Administration (SAMHSA)",
        published_on=_date(2020, 2, 24),
        access="public",
        external_url="https://www.samhsa.gov/sites/default/files/national-guidelines-for-behavioral-health-crisis-care-02242020.pdf",
        attachments=(
            DemoAttachment(
                filename="crisis-now-system-briefing.pdf",
                title="Crisis Now for Police Leaders: A System Briefing",
                pages=(
                    _page(
                        "The idea in one page",
                        "This briefing was written for the MHR platform. It summarizes SAMHSA's 2020 "
                        "crisis-care guidelines in MHR's words and is not a SAMHSA publication.",
                        "A crisis system is meant to work like the emergency medical system: a "
                        "number to call, a team that comes to you, and a facility that will take "
                        "you. When one of the three is missing, the gap falls on whichever service "
                        "is always available, which is usually the police and the hospital emergency "
                        "department.",
                        "The guidelines stress that real crisis services are a no wrong door safety "
                        "net. A line that only answers during office hours, or a facility that turns "
                        "people away, does not meet the standard however it is labeled.",
                    ),
                    _page(
                        "Someone to talk to and someone to respond",
                        "Crisis call centers answer every call and decide what help is needed. With "
                        "988 in place, these centers are increasingly the front door to the whole "
                        "system, and their ability to dispatch a mobile team is what lets them "
                        "resolve a crisis without police.",
                        "Mobile crisis teams go to the person, at home, at work or on the street. "
                        "They are not meant to operate only inside emergency departments. For police "
                        "agencies, a reliable mobile team is the difference between handing off a "
                        "call and holding it for hours.",
                        "Agencies should know the mobile team's hours, typical response time and "
                        "how to request it, and should agree when the team will ask for an officer "
                        "to stand by.",
                    ),
                    _page(
                        "A place to go",
                        "Crisis receiving and stabilization facilities accept people from any "
                        "source, including officers, and begin assessment and treatment "
                        "immediately. For police, the key feature is a rapid drop-off: the officer "
                        "briefs staff and returns to service without waiting for medical clearance "
                        "at another site in routine cases.",
                        "CIT programs have long pursued the same goal, a single point of entry with "
                        "no clinical barriers and little officer time. Where such a facility exists, "
                        "officers are far less likely to choose arrest simply because it is quicker.",
                        "Ask your county or state mental-health authority which of the three "
                        "elements exist locally, what hours they cover, and what would be needed to "
                        "fill the gaps. The association's summit recommendations on cross-system "
                        "collaboration give a useful frame for that conversation.",
                    ),
                ),
            ),
        ),
    ),
    DemoResource(
        slug="stepping-up-initiative",
        title="Stepping Up Initiative",
        resource_type="campaign",
        summary=(
            "A national initiative launched in May 2015 by NACo, the CSG Justice Center and the APA "
            "Foundation in which counties commit, by resolution, to reduce the number of people with "
            "mental illness in their jails."
        ),
        body=_md("""
## What it is

**Stepping Up** was launched in **May 2015** by the National Association of Counties (NACo), the Council of State Governments Justice Center and the American Psychiatric Association Foundation, with support from BJA. Its goal is to reduce the number of people with mental illness, including those with co-occurring substance-use disorders, held in county jails.

## How counties join

Counties join by **passing a resolution** and sending it to NACo. More than 450, and later more than 500, counties have joined.

## Six questions county leaders should ask

1. **Leadership:** are county leaders committed?
2. **Screening:** are people screened and assessed promptly?
3. **Baseline:** does the county have baseline data?
4. **Process and services:** has it mapped its processes and inventoried available services?
5. **Priorities:** has it set priorities for policy, practice and funding?
6. **Tracking:** does it track progress over time?

## Set, Measure, Achieve

Since **September 2020**, counties with baseline data on the prevalence of serious mental illness in their jails can publicly commit to reduction targets.

## Why it matters to police agencies

- The jail is downstream of patrol decisions. Stepping Up's resource lab lists **CIT, co-responder teams and 911 diversion** among the earliest interventions, before booking.
- A county that has joined Stepping Up is a natural partner for an agency working on the One Mind pledge.
- Stepping Up partners estimated that more than 2 million people with serious mental illness are booked into jails each year (Stepping Up partners, 2015).

## Source

National Association of Counties, CSG Justice Center and APA Foundation, Stepping Up Initiative (2015). https://stepuptogether.org ; http://csgjusticecenter.org/mental-health/county-improvement-project/stepping-up/ ; Set, Measure, Achieve: https://stepuptogether.org/set-measure-achieve
"""),
        topics=("Partnerships", "Data and evaluation", "Crisis intervention teams"),
        audience="community_partners",
        publisher="National Association of Counties, CSG Justice Center and American Psychiatric Association Foundation",
        published_on=_date(2015, 5, 1),
        access="public",
        external_url="https://stepuptogether.org",
    ),
    DemoResource(
        slug="cahoots-eugene",
        title="CAHOOTS: Crisis Assistance Helping Out On The Streets (Eugene, Oregon)",
        resource_type="external_link",
        summary=(
            "White Bird Clinic's civilian crisis response in Eugene, Oregon, running since 1989, which "
            "sends an unarmed medic and crisis worker to calls through 911 or the police "
            "non-emergency line."
        ),
        body=_md("""
## What it is

**CAHOOTS** (Crisis Assistance Helping Out On The Streets) was launched in **1989** by White Bird Clinic in Eugene, Oregon. It is the best-known example of a civilian, non-police crisis response.

## How it works

- **Two-person, unarmed teams**: a medic (nurse, EMT or paramedic) and a crisis worker.
- Calls include welfare checks, conflict resolution, substance use, suicide threats and non-emergency medical needs.
- Teams are dispatched through **911 or the police non-emergency line**, so they sit inside the public-safety system rather than beside it.

## What the program reports

- Of roughly 24,000 calls in a year, police backup was requested 150 times.
- CAHOOTS handled 17 percent of the Eugene Police Department's call volume (2017).
- Budget of about $2.1 million, with estimated public-safety savings of $8.5 million a year.

(White Bird Clinic, 2020, program-reported.) These figures are reported by the program itself rather than by an independent evaluation. Peer-reviewed evidence on crisis-response outcomes is mixed (Taheri, 2016; Rogers et al., 2019), so quote them as "reported by" the program and pair them with this caveat.

## Policy interest

The **CAHOOTS Act**, sponsored by Senator Ron Wyden, proposed an enhanced federal Medicaid match for community mobile crisis services.

## Questions for agencies considering a similar model

1. Which call types could a civilian team take safely, and who decides at dispatch?
2. How will the team request police when a call changes?
3. Who funds the team, and for what hours?

## Source

White Bird Clinic, CAHOOTS program pages (program founded 1989; figures as published 2020), https://whitebirdclinic.org/tag/cahoots/ ; https://whitebirdclinic.org/category/programs/cahoots/
"""),
        topics=("Alternative response", "Dispatch", "Partnerships"),
        audience="community_partners",
        publisher="White Bird Clinic",
        published_on=_date(2020, 7, 1),
        access="public",
        external_url="https://whitebirdclinic.org/category/programs/cahoots/",
    ),
    DemoResource(
        slug="star-denver-evaluation-2022",
        title="Denver STAR: A Community Response Approach to Mental Health and Substance Abuse Crises",
        resource_type="report",
        summary=(
            "Denver's Support Team Assisted Response (STAR) sends a paramedic and a clinician to "
            "low-level 911 calls; a 2022 study in Science Advances found fewer reports of targeted "
            "low-level crimes during the pilot."
        ),
        body=_md("""
## The program

**STAR** (Support Team Assisted Response) launched in Denver in **June 2020**. A Denver Health paramedic or EMT and a Mental Health Center of Denver clinician respond to low-level 911 calls such as trespassing, mental-health crises and welfare checks. Denver had a police co-responder program from 2016 before adding STAR. The program is now run by the city's public-health department and operates citywide with eight vans.

## The evaluation

Thomas Dee and Jaymes Pyne studied the pilot period (June to December 2020) in *Science Advances* (2022):

- STAR handled 748 calls with **no arrests**.
- Reports of the targeted low-level crimes fell by **34 percent** in the precincts served, about 1,400 fewer offenses, with no detectable effect on more serious crime.
- The direct cost per incident was about **$151**, compared with about **$646** for a police response.

(Dee and Pyne, *Science Advances*, 2022.)

## Later scale (city-reported)

More than 5,700 calls in 2022, 44 percent of eligible calls; more than 7,000 in 2023, 46 percent; a 2024 base budget of $7.2 million (National League of Cities; Caring for Denver). These operating figures come from the city and its partners rather than an independent evaluation.

## Points for police leaders

- A civilian response can take real workload off patrol for calls that involve no violence or weapons.
- Fewer crime reports partly reflect that health responders are less likely to record the people they help as offenders; read the drop in that light.
- Dispatch criteria and a fast route back to police when a call changes are essential.

## Source

Thomas S. Dee and Jaymes Pyne, "A community response approach to mental health and substance abuse crises reduced crime," *Science Advances* 8 (2022), https://doi.org/10.1126/sciadv.abm2106 ; National League of Cities, https://www.nlc.org/resource/reimagining-public-safety-impact-updates/denver-co-community-response-model/ ; Caring for Denver, https://caring4denver.org/stories/news-events/study-denvers-star-program-reduced-crime-costs/
"""),
        topics=("Alternative response", "Data and evaluation", "Dispatch"),
        audience="agency_leaders",
        publisher="Science Advances (American Association for the Advancement of Science)",
        published_on=_date(2022, 6, 8),
        access="public",
        external_url="https://doi.org/10.1126/sciadv.abm2106",
    ),
)


# ---------------------------------------------------------------------------
# Additional resources: research, de-escalation and history
# ---------------------------------------------------------------------------

_MORE: tuple[DemoResource, ...] = (
    DemoResource(
        slug="tac-overlooked-in-the-undercounted-2015",
        title="Overlooked in the Undercounted: The Role of Mental Illness in Fatal Law Enforcement Encounters",
        resource_type="report",
        summary=(
            "A December 2015 Treatment Advocacy Center report estimating how often people with "
            "severe mental illness are involved in police calls and fatal police encounters."
        ),
        body=_md("""
## What it is

A report from the **Treatment Advocacy Center (TAC)**, published in **December 2015**, that pulled together the limited national data on mental illness and police encounters. It is one of the most frequently quoted sources in this field, so it is worth knowing exactly what it says.

## Key estimates (all Treatment Advocacy Center, 2015)

- People with **untreated severe mental illness** are **16 times more likely** to be killed in a police encounter than other civilians approached or stopped by officers.
- About **1 in 4** fatal police encounters involve a person with severe mental illness; the report suggests the share of police shootings may be at least a quarter and as high as half.
- People with severe mental illness, fewer than 4 in 100 adults, account for **at least 1 in 10 police calls** and hold **at least 1 in 5 prison and jail beds**.
- About **1 in 3** people brought to emergency rooms in psychiatric crisis are brought by police.
- About **7.9 million** adults have severe mental illness, and about half are untreated on any given day.

## Related counts from other sources

- The *Washington Post* found that **124 of 462** people shot dead by police in the first half of 2015 were in mental or emotional crisis (*Washington Post*, "Distraught people, deadly results," June 30, 2015).
- A later review estimated that about a quarter of the roughly 1,000 people fatally shot by police in 2018 had a mental illness, a share stable from 2015 to 2018 (Rogers, McNiel and Binder, *JAAPL*, 2019).

## Using these figures

- Always quote the source and year with the number.
- The report's title is a reminder that national data are incomplete; say "estimated."
- Pair national figures with local data wherever possible.

## Source

Treatment Advocacy Center, *Overlooked in the Undercounted: The Role of Mental Illness in Fatal Law Enforcement Encounters*, December 2015. Reported by TIME, https://time.com/4144276/mentally-ill-police-killings-study/ ; copy at https://www.readkong.com/page/overlooked-in-the-undercounted-the-role-of-mental-illness-9465061
"""),
        topics=("Data and evaluation", "Communications"),
        audience="general_public",
        publisher="Treatment Advocacy Center",
        published_on=_date(2015, 12, 1),
        access="public",
        external_url="https://time.com/4144276/mentally-ill-police-killings-study/",
    ),
    DemoResource(
        slug="perf-icat-de-escalation-training",
        title="ICAT: Integrating Communications, Assessment, and Tactics",
        resource_type="training",
        summary=(
            "PERF's October 2016 de-escalation training guide for situations involving people in "
            "crisis who are unarmed or armed with weapons other than firearms."
        ),
        body=_md("""
## What it is

**ICAT** is a training guide from the **Police Executive Research Forum (PERF)**, published in **October 2016**. It gives agencies a curriculum for handling volatile encounters in ways that reduce the need for force, with particular attention to people in mental-health crisis.

## Core ideas (paraphrased)

- **Integrate** communication skills and tactics instead of teaching them in separate classes.
- **Assess** the situation continuously, using a structured decision-making model rather than reacting to a single moment.
- Use **time, distance and cover** to create options, and slow encounters down when no one is in immediate danger.
- Teach officers to work as a **team**, with one officer communicating and others providing cover.
- Reinforce the training through supervision and after-action review.

## How it fits with other resources

- **CIT** teaches officers about mental illness and crisis services; ICAT concentrates on the tactical and communication skills used on scene. Many agencies use both.
- The association's model policy on persons in crisis makes safe de-escalation the goal wherever it is reasonable; ICAT is one way to train for that expectation.
- For documentation, record de-escalation steps in the crisis-encounter report described in the CIT data guide.

## Tips for trainers

1. Use scenario-based exercises drawn from your own agency's calls.
2. Include dispatchers in at least one scenario, since the information they pass on shapes the approach.
3. Debrief each scenario with a focus on decisions, not only outcomes.

## Source

Police Executive Research Forum, *ICAT: Integrating Communications, Assessment, and Tactics* training guide, October 2016. https://www.policeforum.org/icat
"""),
        topics=("De-escalation", "Training"),
        audience="officers",
        publisher="Police Executive Research Forum",
        published_on=_date(2016, 10, 1),
        access="public",
        external_url="https://www.policeforum.org/icat",
    ),
    DemoResource(
        slug="perf-1997-trainers-guide-model-policy",
        title="The Police Response to People with Mental Illnesses: Trainer's Guide and Model Policy (1997)",
        resource_type="training",
        summary=(
            "PERF's 1997 trainer's guide and model policy, an early national model for police "
            "response to people with mental illness that addresses the ADA and community policing."
        ),
        body=_md("""
## What it is

A 1997 publication from the **Police Executive Research Forum (PERF)** combining a **trainer's guide** with a **model policy** on police response to people with mental illnesses. It predates most CIT programs outside Memphis and is useful historical context for today's model policies.

## What it covers

- The **Americans with Disabilities Act, Title II**, and what it means for police services to people with mental illness.
- How the topic fits within **community policing**.
- A model policy framework that includes a range of dispositions: helping the person as a victim or witness; counseling, releasing and referring; arrest; and voluntary or involuntary emergency evaluation.

## Why it is still worth reading

- Many elements found in current agency policies, including the list of disposition options, can be traced back to this guide.
- It shows how long the field has recognized that arrest should not be the default route to treatment.
- Trainers can use it to show recruits how thinking has developed since the 1990s, from recognition and referral toward crisis systems and partnerships.

## Read with

- The association's 2014 (archived) and 2018 model policies on persons in crisis
- The Memphis CIT model and its core elements
- PERF's ICAT training guide (2016)

## Source

Police Executive Research Forum, *The Police Response to People with Mental Illnesses: Trainer's Guide and Model Policy*, 1997. NCJRS abstract: https://ojp.gov/ncjrs/virtual-library/abstracts/police-response-people-mental-illnesses-trainers-guide-and-model
"""),
        topics=("Policy", "Training"),
        audience="trainers",
        publisher="Police Executive Research Forum",
        published_on=_date(1997, 1, 1),
        access="public",
        external_url="https://ojp.gov/ncjrs/virtual-library/abstracts/police-response-people-mental-illnesses-trainers-guide-and-model",
    ),
)


CATALOG: tuple[DemoResource, ...] = (
    _MESSAGING
    + _POLICY
    + _RESOLUTIONS
    + _LEGISLATIVE
    + _ARTICLES
    + _ONE_MIND
    + _CIT_AND_TRAINING
    + _CRISIS_SYSTEM
    + _MORE
)
