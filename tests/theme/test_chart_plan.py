"""The default chart chosen from the table's meaning (theme/chart_view.py
`chart_plan`), without a server: a year or period is a key (x axis or the
year selector), never a series; codes and ids are never plotted; every demo
dataset's table gets a chart a reader can quote (measure, unit, year)."""
import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from ckanext.satudata.demo import data, loader
from ckanext.satudata.theme.chart_view import chart_plan, column_role

YEAR_NAMES = ["tahun", "Tahun", "year", "thn", "tahun_data"]
PERIOD_NAMES = ["bulan", "semester", "triwulan", "periode", "month"]
CODE_NAMES = ["kode_wilayah", "kode_kecamatan", "id", "kode_bps", "kd_desa", "no_urut",
              "kodewilayah", "id_kemendagri"]
CATEGORY_NAMES = ["kecamatan", "desa", "jenis_kelamin", "nama_puskesmas"]
MEASURE_NAMES = ["nilai", "jumlah_penduduk", "penduduk", "luas", "persentase"]
KECAMATAN = list(data.KECAMATAN[:8])


def demo_table(dataset):
    """A demo dataset's CSV as the DataStore serves it after xloader's type
    guessing: the numbers typed numeric."""
    rows = list(csv.DictReader(io.StringIO(loader.sample_csv(dataset).decode())))
    text = {"kecamatan", "bulan"}
    fields = [{"id": "_id", "type": "int"}] + [
        {"id": k, "type": "text" if k in text else "numeric"} for k in rows[0]]
    records = [dict({"_id": i + 1}, **{k: (v if k in text else float(v)) for k, v in r.items()})
               for i, r in enumerate(rows)]
    return fields, records


def meta(dataset):
    return {k: dataset[k] for k in ("title", "unit", "measurement")}


def test_every_demo_dataset_charts_its_measure_for_the_latest_year():
    for dataset in data.DATASETS:
        fields, records = demo_table(dataset)
        plan = chart_plan(fields, records, meta(dataset))
        chart = plan["charts"][plan["selected"]]
        assert plan["measures"] == ["nilai"], dataset["name"]
        assert [d["column"] for d in chart["datasets"]] == ["nilai"]
        # the measure named by the dataset's metadata, with its unit
        assert chart["datasets"][0]["label"] == "%s (%s)" % (dataset["measurement"],
                                                             dataset["unit"])
        assert plan["y_title"] == chart["datasets"][0]["label"]
        end = dataset["period_end"]
        if dataset["sample"]["per"] == "kecamatan":
            # one bar per kecamatan, for the latest year; the other years selectable
            assert chart["labels"] == list(data.KECAMATAN), dataset["name"]
            assert plan["selector"] == "tahun" and plan["selected"] == end
            assert plan["options"] == [str(y) for y in range(int(dataset["period_start"]),
                                                             int(end) + 1)]
            assert plan["title"] == "%s, %s" % (dataset["title"], end)
            assert plan["x_title"] == "Kecamatan"
            for option in plan["options"]:
                assert len(plan["charts"][option]["datasets"][0]["data"]) == 25
                assert plan["charts"][option]["title"].endswith(option)
        else:
            # a monthly series: every month with its year, in order
            assert plan["type"] == "line" and plan["selector"] is None
            assert chart["labels"][0] == "Januari %s" % dataset["period_start"]
            assert chart["labels"][-1] == "Desember %s" % end
            assert len(chart["labels"]) == 24
            assert plan["title"].endswith("Januari %s – Desember %s" % (
                dataset["period_start"], end))
        # never the year (≈2,000) beside the value
        assert all(v is None or v < 1000 or v != int(end)
                   for v in chart["datasets"][0]["data"][:1])


def test_the_values_of_the_shown_year_are_that_years_rows():
    dataset = data.DATASETS[0]
    fields, records = demo_table(dataset)
    plan = chart_plan(fields, records, meta(dataset))
    for option in plan["options"]:
        wanted = [r["nilai"] for r in records if str(int(r["tahun"])) == option]
        assert plan["charts"][option]["datasets"][0]["data"] == wanted


def test_a_named_measure_and_a_code_column():
    fields = [{"id": "kode_kecamatan", "type": "text"}, {"id": "kecamatan", "type": "text"},
              {"id": "penduduk", "type": "numeric"}]
    records = [{"kode_kecamatan": "3510%03d" % (10 * i), "kecamatan": k, "penduduk": 1000 + i}
               for i, k in enumerate(KECAMATAN)]
    plan = chart_plan(fields, records)
    assert plan["measures"] == ["penduduk"]
    assert plan["charts"][""]["labels"] == KECAMATAN
    assert plan["title"] == "Penduduk by Kecamatan" and plan["selector"] is None


def test_codes_known_by_their_values():
    # BPS codes of one regency's kecamatan, typed numeric by the loader
    assert column_role({"id": "wilayah", "type": "numeric"},
                       [3510010, 3510020, 3510030, 3510040]) == "code"
    assert column_role({"id": "wilayah", "type": "text"}, ["35.10.01", "35.10.02"]) == "code"
    assert column_role({"id": "nomor_induk", "type": "text"}, ["0012", "0013"]) == "code"
    # figures of one width are still figures
    assert column_role({"id": "penduduk", "type": "numeric"}, [36210, 29340, 68120]) == "measure"
    assert column_role({"id": "rasio", "type": "text"}, ["12.5", "3.25"]) == "measure"


def test_a_table_without_figures_says_so():
    plan = chart_plan([{"id": "kecamatan", "type": "text"}, {"id": "tahun", "type": "numeric"}],
                      [{"kecamatan": "Licin", "tahun": 2024}])
    assert plan["error"]


# -- properties over column sets ---------------------------------------------------

@st.composite
def tables(draw):
    """A table of some years × categories with measures, periods and codes
    in any order and any mix."""
    n_years = draw(st.integers(0, 3))
    columns = []
    if n_years:
        columns.append(("year", draw(st.sampled_from(YEAR_NAMES))))
    if draw(st.booleans()):
        columns.append(("period", draw(st.sampled_from(PERIOD_NAMES))))
    for role, names in (("code", CODE_NAMES), ("category", CATEGORY_NAMES)):
        for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
            columns.append((role, name))
    for name in draw(st.lists(st.sampled_from(MEASURE_NAMES), max_size=3, unique=True)):
        columns.append(("measure", name))
    columns = draw(st.permutations(columns))
    first_year = draw(st.integers(2015, 2022))
    years = [first_year + i for i in range(max(n_years, 1))]
    places = KECAMATAN[:draw(st.integers(1, len(KECAMATAN)))]
    typed = draw(st.booleans())  # xloader's type guessing on, or every column text
    records = []
    for y in years:
        for i, place in enumerate(places):
            row = {}
            for role, name in columns:
                if role == "year":
                    row[name] = y if typed else str(y)
                elif role == "period":
                    row[name] = "Semester %d" % (1 + i % 2)
                elif role == "code":
                    row[name] = "3510%03d" % (10 * (i + 1))
                elif role == "category":
                    row[name] = "%s %s" % (place, name)
                else:
                    value = draw(st.floats(0, 1e6, allow_nan=False)) + 0.5
                    row[name] = value if typed else str(value)
            records.append(row)
    fields = [{"id": name, "type": ("numeric" if typed and role in ("year", "measure")
                                    else "text")} for role, name in columns]
    return columns, fields, records, years


@settings(max_examples=200, deadline=None)
@given(tables())
def test_only_measures_are_plotted(table):
    columns, fields, records, years = table
    plan = chart_plan(fields, records)
    measures = [name for role, name in columns if role == "measure"]
    if not measures:
        assert plan["error"]
        return
    assert plan["measures"] == measures
    for chart in plan["charts"].values():
        for dataset in chart["datasets"]:
            assert dataset["column"] in measures
            assert len(dataset["data"]) == len(chart["labels"])
            assert all(isinstance(v, (int, float)) for v in dataset["data"])


@settings(max_examples=200, deadline=None)
@given(tables())
def test_the_year_is_always_said(table):
    columns, fields, records, years = table
    plan = chart_plan(fields, records)
    roles = dict((name, role) for role, name in columns)
    if "error" in plan or "year" not in roles.values():
        return
    year = next(name for name, role in roles.items() if role == "year")
    wanted = [str(y) for y in years]
    if plan["category"]:
        assert plan["category"] in roles and roles[plan["category"]] == "category"
        assert plan["options"] == wanted and plan["selected"] == wanted[-1]
        assert plan["selector"] == (year if len(years) > 1 else None)
        for option, chart in plan["charts"].items():
            assert option in chart["title"]  # the year shown, in the title
            assert len(chart["labels"]) == len(set(chart["labels"]))
    else:
        chart = plan["charts"][""]
        if len(years) > 1:
            # a time series over years: each label carries its year
            assert all(any(y in label for y in wanted) for label in chart["labels"])
        else:
            assert wanted[0] in chart["title"]
