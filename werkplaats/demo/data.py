"""The demo region. Organisation names come from seed 003 (praktijkleren in
arbeidsmarktregio Groningen); every person, KvK number and address here is fictional."""

DEMO_PASSWORD = "werkplaats"  # noqa: S105 (published in the README for the demo accounts)

# slug: (name, kind, municipality, region code, kvk, city)
ORGANISATIONS: dict[str, tuple[str, str, str, str, str, str]] = {
    # Groningen (AM01)
    "gemeente-groningen": ("Gemeente Groningen", "municipality", "Groningen", "AM01", "", "Groningen"),
    "iederz": ("Iederz", "sw_company", "Groningen", "AM01", "", "Groningen"),
    "noorderpoort": ("Noorderpoort", "mbo_school", "Groningen", "AM01", "", "Groningen"),
    "alfa-college": ("Alfa-college", "mbo_school", "Groningen", "AM01", "", "Groningen"),
    "drenthe-college": ("Drenthe College", "mbo_school", "Assen", "AM01", "", "Assen"),
    "terra": ("Terra", "mbo_school", "Groningen", "AM01", "", "Groningen"),
    "svo-vakopleiding-food": ("SVO vakopleiding food", "mbo_school", "Groningen", "AM01", "", "Groningen"),
    "hilvers-bakkerij": ("Hilvers Bakkerij", "employer", "Groningen", "AM01", "90000001", "Groningen"),
    "2-switch": ("2 Switch", "employer", "Groningen", "AM01", "90000002", "Groningen"),
    "vrp-klimatechniek": ("VRP Klimatechniek", "employer", "Groningen", "AM01", "90000003", "Groningen"),
    "mantel-fietstechniek": ("Mantel fietstechniek", "employer", "Groningen", "AM01", "90000004", "Groningen"),
    "doeleman-buiteninrichtingen": (
        "Doeleman buiteninrichtingen",
        "employer",
        "Groningen",
        "AM01",
        "90000005",
        "Groningen",
    ),
    "vajo-tuinaanleg": ("VAJO Tuinaanleg", "employer", "Groningen", "AM01", "90000006", "Groningen"),
    "taveerne-de-bijland": ("Taveerne de Bijland", "employer", "Groningen", "AM01", "90000007", "Groningen"),
    "eska": ("ESKA", "employer", "Hoogezand-Sappemeer", "AM01", "90000008", "Sappemeer"),
    "hanzehogeschool": ("Hanzehogeschool Groningen", "hbo_school", "Groningen", "AM01", "", "Groningen"),
    # Drenthe (AM03): a second region, so that rules between organisations can be seen.
    "gemeente-emmen": ("Gemeente Emmen", "municipality", "Emmen", "AM03", "", "Emmen"),
    "hondsrug-vakschool": ("Hondsrug Vakschool", "mbo_school", "Emmen", "AM03", "", "Emmen"),
    "bakkerij-zuidenveld": ("Bakkerij Zuidenveld", "employer", "Emmen", "AM03", "90000009", "Emmen"),
}

# e-mail: (name, organisation slug, roles, platform administrator)
USERS: dict[str, tuple[str, str, list[str], bool]] = {
    "coordinator@demo.nl": ("Marieke de Vries", "gemeente-groningen", ["coordinator"], False),
    "consultant@demo.nl": ("Ahmed el Amrani", "gemeente-groningen", ["consultant"], False),
    "school@demo.nl": ("Petra Hoekstra", "noorderpoort", ["school_staff"], False),
    "trainer@demo.nl": ("Kees Kuipers", "hilvers-bakkerij", ["workplace_trainer"], False),
    "learner@demo.nl": ("Sanne Mulder", "gemeente-groningen", ["learner"], False),
    "member@demo.nl": ("Yvonne Smit", "iederz", ["member"], False),
    "admin@demo.nl": ("Bram Visser", "gemeente-groningen", ["admin"], True),
    "consultant2@demo.nl": ("Linda Bos", "gemeente-emmen", ["consultant"], False),
    "trainer2@demo.nl": ("Henk Mulder", "bakkerij-zuidenveld", ["workplace_trainer"], False),
    # Partnership members: the steering group, an employer, and the professionele werkplaats.
    "stuurgroep@demo.nl": ("Jan Bakker", "alfa-college", ["member"], False),
    "werkgever@demo.nl": ("Ria Veenstra", "vrp-klimatechniek", ["member"], False),
    "hogeschool@demo.nl": ("Lotte Jansen", "hanzehogeschool", ["member"], False),
    "wijkteam@demo.nl": ("Sander Kok", "gemeente-groningen", ["member"], False),
    "student@demo.nl": ("Noah de Boer", "hanzehogeschool", ["member"], False),
}
