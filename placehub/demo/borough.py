"""Build the whole synthetic borough into a folder: ``build_borough(out_dir, seed)``.

Same seed, same bytes: every random draw comes from generators seeded from ``seed`` and a fixed label, files
are written in a fixed order with fixed line endings, and the one binary file (the .xlsx) has its timestamps
fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from placehub.demo.census_tables import write_census_tables
from placehub.demo.files import write_gazetteer, write_households, write_residents, write_truth
from placehub.demo.food_support import write_food_support
from placehub.demo.geography import build_geography, write_areas, write_borough
from placehub.demo.layout import lay_out_borough
from placehub.demo.mess import postcode_neighbours
from placehub.demo.partners import write_adult_social_care, write_free_school_meals, write_shielded_list
from placehub.demo.people import populate_borough
from placehub.demo.services import write_gp_surgeries, write_green_spaces

STEPS = [
    "Laying out streets and addresses",
    "Drawing LSOAs, MSOAs and wards",
    "Housing the residents",
    "Writing the gazetteer and residents",
    "Writing partner files",
    "Counting census tables",
    "Mapping services",
]


@dataclass(frozen=True)
class BoroughFiles:
    """Every file ``build_borough`` writes (paths inside the output folder)."""

    gazetteer: Path
    lsoa_boundaries: Path
    msoa_boundaries: Path
    ward_boundaries: Path
    borough_boundary: Path
    residents: Path
    households: Path
    shielded_list: Path
    adult_social_care: Path
    food_support: Path
    free_school_meals: Path
    truth: Path
    census_car_van: Path
    census_occupancy: Path
    census_education: Path
    census_health: Path
    lsoa_indicators: Path
    green_spaces: Path
    green_space_access_points: Path
    gp_surgeries: Path

    def paths(self) -> list[Path]:
        return [getattr(self, f.name) for f in fields(self)]

    def row_counts(self) -> dict[Path, int]:
        """Data rows (or features) per file, for the build summary."""
        import json

        from openpyxl import load_workbook

        counts = {}
        for path in self.paths():
            if path.suffix == ".geojson":
                counts[path] = len(json.loads(path.read_text(encoding="utf-8"))["features"])
            elif path.suffix == ".xlsx":
                counts[path] = load_workbook(path, read_only=True).active.max_row - 2
            else:
                with path.open("rb") as f:
                    counts[path] = sum(1 for _ in f) - 1
        return counts


def build_borough(
    out_dir: Path, seed: int = 1, households: int | None = None, on_step: Callable[[str], None] | None = None
) -> BoroughFiles:
    """Write the borough for ``seed`` into ``out_dir`` (about 38,000 homes unless ``households`` says
    otherwise). ``on_step`` is called with each stage's name (one of ``STEPS``) as the stage starts."""
    out_dir = Path(out_dir)
    step = on_step or (lambda _name: None)
    step(STEPS[0])
    layout = lay_out_borough(seed, households)
    step(STEPS[1])
    geography = build_geography(layout, seed)
    bounds = out_dir / "boundaries"
    lsoa = write_areas(bounds / "lsoa.geojson", geography.lsoas, "LSOA11CD", "LSOA11NM")
    msoa = write_areas(bounds / "msoa.geojson", geography.msoas, "MSOA11CD", "MSOA11NM")
    ward = write_areas(bounds / "ward.geojson", geography.wards, "WD22CD", "WD22NM")
    borough = write_borough(bounds / "borough.geojson", layout.outline)
    step(STEPS[2])
    census = populate_borough(layout, seed)
    step(STEPS[3])
    gazetteer = write_gazetteer(out_dir / "gazetteer.csv", layout.addresses)
    residents = write_residents(out_dir / "residents.csv", census)
    household_file = write_households(out_dir / "households.csv", census)
    step(STEPS[4])
    by_uprn = {a.uprn: a for a in layout.addresses}
    neighbours = postcode_neighbours(layout.addresses)
    partners = out_dir / "partners"
    shielded = partners / "shielded_list.csv"
    asc = partners / "adult_social_care.csv"
    food = partners / "food_support.xlsx"
    fsm = partners / "free_school_meals.csv"
    truth = [
        *write_shielded_list(shielded, census, by_uprn, seed, neighbours),
        *write_adult_social_care(asc, census, by_uprn, seed, neighbours),
        *write_food_support(food, census, by_uprn, seed, neighbours),
        *write_free_school_meals(fsm, census, by_uprn, seed, neighbours),
    ]
    truth_file = write_truth(out_dir / "truth.csv", truth)
    step(STEPS[5])
    car, occupancy, education, health, indicators = write_census_tables(
        out_dir / "census_lsoa", census, geography.lsoas, by_uprn
    )
    step(STEPS[6])
    green, gates = write_green_spaces(out_dir / "services", layout, seed)
    gps = write_gp_surgeries(out_dir / "services" / "gp_surgeries.csv", layout.addresses)
    return BoroughFiles(
        gazetteer=gazetteer,
        lsoa_boundaries=lsoa,
        msoa_boundaries=msoa,
        ward_boundaries=ward,
        borough_boundary=borough,
        residents=residents,
        households=household_file,
        shielded_list=shielded,
        adult_social_care=asc,
        food_support=food,
        free_school_meals=fsm,
        truth=truth_file,
        census_car_van=car,
        census_occupancy=occupancy,
        census_education=education,
        census_health=health,
        lsoa_indicators=indicators,
        green_spaces=green,
        green_space_access_points=gates,
        gp_surgeries=gps,
    )
