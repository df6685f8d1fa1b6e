"""Fixed data of the demo network (the five Comuni of the Alta Padovana in the seeds)."""

NETWORK = {
    "name": "Alta Padovana",
    "slug": "alta-padovana",
    "description": (
        "La rete Welfare Bene Comune dei Comuni di Piazzola sul Brenta, Campodoro, "
        "Campo San Martino, Limena e Villafranca Padovana: welfare pubblico, aziendale e "
        "territoriale in un'unica piattaforma."
    ),
}

# name, slug, ISTAT code, cadastral code, residents (approximate), address
MUNICIPALITIES = [
    (
        "Piazzola sul Brenta",
        "piazzola-sul-brenta",
        "028063",
        "G587",
        11200,
        "Viale Silvestro Camerini 3, 35016 Piazzola sul Brenta (PD)",
    ),
    ("Campodoro", "campodoro", "028018", "B531", 2700, "Via Municipio 11, 35010 Campodoro (PD)"),
    (
        "Campo San Martino",
        "campo-san-martino",
        "028020",
        "B564",
        5800,
        "Via Roma 1, 35010 Campo San Martino (PD)",
    ),
    ("Limena", "limena", "028045", "E592", 7900, "Via Roma 44, 35010 Limena (PD)"),
    (
        "Villafranca Padovana",
        "villafranca-padovana",
        "028103",
        "L947",
        10200,
        "Piazza Marconi 1, 35010 Villafranca Padovana (PD)",
    ),
]

# name, slug, provider kind, category, VAT serial (7 digits; office code 028 Padova and the
# check digit are added),
# municipality slug
PROVIDERS = [
    (
        "Cooperativa Sociale Jonathan",
        "coop-jonathan",
        "social_cooperative",
        "home_care",
        "0412345",
        "piazzola-sul-brenta",
    ),
    (
        "Progetto Now Società Cooperativa Sociale",
        "progetto-now",
        "social_cooperative",
        "tutoring",
        "0423456",
        "limena",
    ),
    (
        "Cooperativa Sociale Il Graticolato",
        "coop-graticolato",
        "social_cooperative",
        "education",
        "0434567",
        "villafranca-padovana",
    ),
    (
        "Associazione Anziani Attivi",
        "anziani-attivi",
        "association",
        "home_care",
        "0445678",
        "campo-san-martino",
    ),
    (
        "Alimentari Da Bepi",
        "alimentari-da-bepi",
        "shop",
        "grocery",
        "0456789",
        "piazzola-sul-brenta",
    ),
    ("Market La Brenta", "market-la-brenta", "shop", "grocery", "0467890", "campo-san-martino"),
    ("Bottega di Limena", "bottega-limena", "shop", "grocery", "0478901", "limena"),
    (
        "Farmacia San Marco",
        "farmacia-san-marco",
        "shop",
        "pharmacy",
        "0489012",
        "piazzola-sul-brenta",
    ),
    (
        "Farmacia Comunale Villafranca",
        "farmacia-villafranca",
        "shop",
        "pharmacy",
        "0490123",
        "villafranca-padovana",
    ),
    ("Panificio Fornasier", "panificio-fornasier", "shop", "bakery", "0401234", "campodoro"),
    ("Forno del Borgo", "forno-del-borgo", "shop", "bakery", "0413456", "limena"),
    (
        "Cartoleria La Matita",
        "cartoleria-la-matita",
        "shop",
        "stationery",
        "0424567",
        "piazzola-sul-brenta",
    ),
    ("Macelleria Zanon", "macelleria-zanon", "shop", "butcher", "0435678", "villafranca-padovana"),
]

COMPANY = ("Meccanica Brenta S.r.l.", "meccanica-brenta", "0446789")

MALE_NAMES = [
    "Marco",
    "Luca",
    "Giovanni",
    "Andrea",
    "Francesco",
    "Alessandro",
    "Matteo",
    "Stefano",
    "Paolo",
    "Giuseppe",
    "Roberto",
    "Davide",
    "Simone",
    "Federico",
    "Antonio",
    "Lorenzo",
    "Nicola",
    "Riccardo",
    "Enrico",
    "Giorgio",
]
FEMALE_NAMES = [
    "Maria",
    "Anna",
    "Giulia",
    "Francesca",
    "Chiara",
    "Sara",
    "Laura",
    "Elena",
    "Martina",
    "Valentina",
    "Alessia",
    "Silvia",
    "Paola",
    "Federica",
    "Elisa",
    "Roberta",
    "Giorgia",
    "Marta",
    "Lucia",
    "Beatrice",
]
SURNAMES = [
    "Zanella",
    "Bortolami",
    "Trevisan",
    "Bertin",
    "Gallo",
    "Zanon",
    "Pavan",
    "Sartori",
    "Bettio",
    "Marcato",
    "Rizzo",
    "Toffanin",
    "Ferro",
    "Cecchinato",
    "Baldan",
    "Zorzi",
    "Favaro",
    "Schiavon",
    "Boscolo",
    "Fontana",
    "Carraro",
    "Michelotto",
    "Pegoraro",
    "Tonello",
    "Canton",
    "Scapin",
    "Basso",
    "Zago",
    "Rampazzo",
    "Milan",
]
STREETS = [
    "Via Roma",
    "Via Dante",
    "Via Garibaldi",
    "Via Marconi",
    "Via Mazzini",
    "Via San Marco",
    "Via Brenta",
    "Via dei Tigli",
    "Via Verdi",
    "Via Petrarca",
]

DEMO_PASSWORD = "BeneComune-2026"  # noqa: S105 (demo accounts only, printed by make run)
# One fixed TOTP key for every demo staff account (printed by `make run`; demo only).
DEMO_TOTP_HEX = "3132333435363738393031323334353637383930"
