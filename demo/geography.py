"""The demo municipalities' wijken, buurten and streets (fictitious, CBS-shaped codes).

Lindewaard (GM9999) has the ten wijken of the domain brief with 44 buurten; Veenhoven (GM9998)
is smaller. Each street gets one postcode: 9999 (or 9998) + the wijk's letter + a letter per
street, so ``9999AB`` is the second street of the first wijk. A real installation loads the
national address register's postcode table into the same model instead.
"""

from __future__ import annotations

from dataclasses import dataclass

WIJK_LETTERS = "ABCDEFGHJK"
STREET_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"


@dataclass(frozen=True)
class DemoWijk:
    name: str
    buurten: tuple[str, ...]
    streets: tuple[str, ...]  # two per buurt, in the buurten's order


LINDEWAARD_PLACE = "Lindewaard"
LINDEWAARD = (
    DemoWijk(
        "Centrum",
        ("Lindehof", "Marktkwartier", "Kerkbuurt", "Havenkwartier", "Singelbuurt"),
        (
            "Lindeplein",
            "Lindelaan",
            "Markt",
            "Kerkstraat",
            "Kerkpad",
            "Torenstraat",
            "Havenstraat",
            "Kade",
            "Singel",
            "Wallenstraat",
        ),
    ),
    DemoWijk(
        "Stationskwartier",
        ("Stationsplein", "Spoorzicht", "Emplacement", "Remise"),
        (
            "Stationsweg",
            "Stationsplein",
            "Spoorlaan",
            "Seinpad",
            "Emplacementweg",
            "Wisselstraat",
            "Remiseplein",
            "Locomotiefstraat",
        ),
    ),
    DemoWijk(
        "Vogelwijk",
        ("Merelhof", "Spreeuwenbuurt", "Reigerpark", "Zwaluwbuurt", "Vogelweg-Noord"),
        (
            "Merelstraat",
            "Lijsterlaan",
            "Spreeuwstraat",
            "Vogelweg",
            "Reigerlaan",
            "Ooievaarpad",
            "Zwaluwstraat",
            "Mussenstraat",
            "Kievitweg",
            "Uilenpad",
        ),
    ),
    DemoWijk(
        "Bloemenbuurt",
        ("Rozenhof", "Tulpenveld", "Lelieburg", "Irisbuurt", "Dahliapark"),
        (
            "Rozenstraat",
            "Anjerlaan",
            "Tulpstraat",
            "Narcisweg",
            "Leliestraat",
            "Krokuspad",
            "Irislaan",
            "Violierstraat",
            "Dahliastraat",
            "Asterpad",
        ),
    ),
    DemoWijk(
        "Schildersbuurt",
        ("Rembrandtbuurt", "Vermeerkwartier", "Mondriaanhof", "Jan Steenbuurt"),
        (
            "Rembrandtlaan",
            "Frans Halsstraat",
            "Vermeerstraat",
            "Ruysdaelstraat",
            "Mondriaanplein",
            "Van Goghstraat",
            "Jan Steenstraat",
            "Hobbemastraat",
        ),
    ),
    DemoWijk(
        "De Hoven",
        ("Hof van Linde", "Kloosterhof", "Boomgaard", "Hovenpark", "Weidehof"),
        (
            "Hofstraat",
            "Lindehoflaan",
            "Kloosterweg",
            "Abdijstraat",
            "Boomgaardlaan",
            "Appelhof",
            "Hovenlaan",
            "Parkweg",
            "Weidestraat",
            "Hooiberg",
        ),
    ),
    DemoWijk(
        "Waterrijk",
        ("Eilanden", "Kadebuurt", "Plassenbuurt", "Oeverpark"),
        (
            "Eilandstraat",
            "Brugweg",
            "Kadestraat",
            "Meerpaal",
            "Plassenweg",
            "Rietkraag",
            "Oeverlaan",
            "Steigerpad",
        ),
    ),
    DemoWijk(
        "Bedrijventerrein De Vaart",
        ("De Vaart-Noord", "De Vaart-Zuid", "Havenweg"),
        ("Vaartweg", "Industrieweg", "Ambachtstraat", "Nijverheidsweg", "Havenweg", "Loswal"),
    ),
    DemoWijk(
        "Oudedorp",
        ("Dorpskern", "Molenbuurt", "Kerkepad", "Akkers", "Brink"),
        (
            "Dorpsstraat",
            "Raadhuisstraat",
            "Molenweg",
            "Korenstraat",
            "Kerkepad",
            "Kosterij",
            "Akkerweg",
            "Schoolstraat",
            "Brink",
            "Pastoriestraat",
        ),
    ),
    DemoWijk(
        "Lindeveld",
        ("Lindeveld-Oost", "Lindeveld-West", "Sportpark", "Buitengebied"),
        (
            "Oostersingel",
            "Zonnebloemlaan",
            "Westersingel",
            "Veldweg",
            "Sportlaan",
            "Stadionweg",
            "Polderweg",
            "Dijkweg",
        ),
    ),
)

VEENHOVEN_PLACE = "Veenhoven"
VEENHOVEN = (
    DemoWijk(
        "Veenhoven-Centrum",
        ("Kerkring", "Turfmarkt", "Wijkhof"),
        ("Kerkring", "Turfmarkt", "Veenstraat", "Turfschip", "Hoofdstraat", "Wijkhof"),
    ),
    DemoWijk(
        "Veenhoven-Noord",
        ("Petgaten", "Hooilanden", "Noorderpark"),
        ("Petgatenweg", "Hooiland", "Noorderweg", "Grasland", "Parklaan", "Noorderpad"),
    ),
    DemoWijk(
        "Veenhoven-Zuid",
        ("Zuiderveen", "Kanaalzone"),
        ("Zuiderweg", "Veenkade", "Kanaalweg", "Sluispad"),
    ),
)


@dataclass(frozen=True)
class DemoStreet:
    wijk_code: str
    wijk_name: str
    buurt_code: str
    buurt_name: str
    postcode: str
    name: str
    place: str


def demo_streets(
    *, municipality_number: str, wijken: tuple[DemoWijk, ...], place: str
) -> list[DemoStreet]:
    """The streets of one demo municipality with their codes and postcodes."""
    streets = []
    for w, wijk in enumerate(wijken):
        assert len(wijk.streets) == 2 * len(wijk.buurten), wijk.name
        wijk_code = f"WK{municipality_number}{w + 1:02d}"
        for s, street in enumerate(wijk.streets):
            b = s // 2
            streets.append(
                DemoStreet(
                    wijk_code=wijk_code,
                    wijk_name=wijk.name,
                    buurt_code=f"BU{municipality_number}{w + 1:02d}{b + 1:02d}",
                    buurt_name=wijk.buurten[b],
                    postcode=f"{municipality_number}{WIJK_LETTERS[w]}{STREET_LETTERS[s]}",
                    name=street,
                    place=place,
                )
            )
    return streets
