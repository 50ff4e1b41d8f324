"""The finance functions through the Python binding: published examples, numpy input, errors."""
import datetime
import math
import os
import subprocess

import pytest

import kam


def test_version():
    assert kam.version() == "0.1.0" == kam.__version__


def test_npv_excel_and_t0():
    assert kam.npv(0.1, [-10000, 3000, 4200, 6800]) == pytest.approx(1188.4434123352, abs=1e-9)
    v = [-15000, 1500, 2500, 3500, 4500, 6000]
    assert kam.npv(0.05, v, convention="t0") == pytest.approx(122.894854950942692, abs=1e-9)
    assert kam.npv(0.05, v, "excel") * 1.05 == pytest.approx(kam.npv(0.05, v, "t0"))
    with pytest.raises(kam.InvalidArgument):
        kam.npv(0.1, v, convention="bogus")


def test_npv_numpy_input_and_npv_many():
    np = pytest.importorskip("numpy")
    rows = np.random.default_rng(1).normal(size=(50, 24)) * 1000
    got = kam.npv_many(0.01, rows)
    assert isinstance(got, np.ndarray) and got.shape == (50,)
    for r in range(50):
        assert got[r] == pytest.approx(kam.npv(0.01, rows[r]), rel=1e-12, abs=1e-9)
    # Fortran-ordered or integer input is converted, not misread.
    assert kam.npv_many(0.01, np.asfortranarray(rows)) == pytest.approx(got)
    ints = np.arange(12, dtype=np.int64).reshape(3, 4)
    assert kam.npv_many(0.0, ints, "t0").tolist() == [6.0, 22.0, 38.0]
    with pytest.raises(kam.InvalidArgument):
        kam.npv_many(0.1, np.zeros(5))


def test_npv_many_lists():
    assert list(kam.npv_many(0.0, [[1, 2], [3, 4]], "t0")) == [3.0, 7.0]


def test_xnpv_xirr_excel_example():
    values = [-10000, 2750, 4250, 3250, 2750]
    dates = ["2008-01-01", datetime.date(2008, 3, 1), "2008-10-30", "2009-02-15", "2009-04-01"]
    assert kam.xnpv(0.09, values, dates) == pytest.approx(2086.6476020315, abs=1e-6)
    r = kam.xirr(values, dates)
    assert r == pytest.approx(0.373362535, abs=1e-8)
    assert kam.xnpv(r, values, dates) == pytest.approx(0, abs=1e-6)
    with pytest.raises(kam.InvalidArgument):
        kam.xnpv(0.09, values, dates[:3])
    with pytest.raises(kam.InvalidArgument):
        kam.xirr(values, ["2008-01-01", "not a date", "2008-10-30", "2009-02-15", "2009-04-01"])


def test_irr_examples_and_guess():
    v = [-70000, 12000, 15000, 18000, 21000, 26000]
    assert kam.irr(v) == pytest.approx(0.0866309480365316, abs=1e-12)
    assert kam.irr(v[:5]) == pytest.approx(-0.0212448482, abs=1e-9)
    assert kam.irr(v[:3], guess=-0.1) == pytest.approx(-0.4435069413, abs=1e-9)
    assert kam.irr([-1, 3, -2], guess=0.1) == pytest.approx(0.0, abs=1e-12)
    assert kam.irr([-1, 3, -2], guess=0.9) == pytest.approx(1.0, abs=1e-12)
    assert kam.irr([-1, 5000]) == pytest.approx(4999, rel=1e-9)


def test_irr_errors():
    with pytest.raises(kam.NoSolution) as e:
        kam.irr([1, 2, 3])
    assert e.value.status == -5 and isinstance(e.value, kam.KamError)
    with pytest.raises(kam.InvalidArgument):
        kam.irr([-1, float("nan"), 2])
    with pytest.raises(kam.InvalidArgument):
        kam.irr([])
    with pytest.raises(kam.InvalidArgument):
        kam.irr(["x", 1])


def test_mirr_payback_clv_roi():
    v = [-120000, 39000, 30000, 21000, 37000, 46000]
    assert kam.mirr(v, 0.10, 0.12) == pytest.approx(0.126094130365905, abs=1e-12)
    with pytest.raises(kam.NoSolution):
        kam.mirr([1, 2, 3], 0.1, 0.1)
    # A reinvest rate below -1, as Excel computes it (PhpSpreadsheet's vector)
    assert kam.mirr([-0.12, 0.13, 0.25], 1.23, -2.34) == pytest.approx(-0.205225398829, abs=1e-11)
    assert kam.payback([-100, 50, 50, 50]) == pytest.approx(2.0)
    assert kam.payback([-100, 50, 50, 50], 0.1, whole_periods=True) == 3.0
    with pytest.raises(kam.NoSolution):
        kam.payback([-100, 10, 10])
    assert kam.clv(100, 0.8, 0.1) == pytest.approx(100 * 0.8 / 0.3)
    assert kam.clv(100, 0.8, 0.1, 50, timing="begin") == pytest.approx(100 * 1.1 / 0.3 - 50)
    with pytest.raises(kam.InvalidArgument):
        kam.clv(100, 1.5, 0.1)
    with pytest.raises(kam.InvalidArgument):
        kam.clv(100, 0.5, 0.1, timing="middle")
    assert kam.clv_finite([100, 100], 0.8, 0.1, 10) == pytest.approx(
        100 * (0.8 / 1.1 + (0.8 / 1.1) ** 2) - 10)
    assert kam.roi(1500, 1000) == pytest.approx(0.5)
    with pytest.raises(kam.InvalidArgument):
        kam.roi(1, 0)


def test_ctx_errmsg_and_clear():
    """The ctx's last message names the place, and clear_error forgets it."""
    from kam import _native
    ctx = _native.Owner()
    compile_ = _native.fn("kam_template_compile", _native.c_int,
                          _native.POINTER(_native.c_void_p), _native.c_void_p,
                          _native.c_char_p, _native.c_size_t)
    out = _native.c_void_p()
    assert compile_(_native.byref(out), ctx.ptr, b"{{#open}}", 9) == _native.KAM_EPARSE
    assert "line 1" in ctx.errmsg()
    ctx.clear_error()
    assert ctx.errmsg() == ""


def test_dates_helpers():
    assert kam.date_to_days("1970-01-02") == 1
    assert kam.date_to_days(datetime.date(1969, 12, 31)) == -1
    assert kam.add_months("2024-01-31", 1) == "2024-02-29"
    assert kam.add_months(datetime.date(2023, 1, 31), -2) == "2022-11-30"
    assert kam.strerror(-4) == "malformed input"
    with pytest.raises(kam.InvalidArgument):
        kam.date_to_days("2023-02-29")
    assert kam.days_to_date(kam.date_to_days(datetime.date(2024, 2, 29))) == datetime.date(2024, 2, 29)


def test_date_format_takes_any_date_like_lua():
    assert kam.date_format(kam.date_to_days("2024-02-29")) == "2024-02-29"
    assert kam.date_format(datetime.date(1969, 12, 31)) == "1969-12-31"
    assert kam.date_format("2024-02-29") == "2024-02-29"
    assert kam.add_months(kam.date_to_days("2024-03-31"), -1) == "2024-02-29"
    with pytest.raises(kam.InvalidArgument):
        kam.date_format("someday")


def _cli(*args):
    exe = os.environ.get("KAM_CLI")
    if not exe or not os.path.exists(exe):
        pytest.skip("KAM_CLI not set")
    return subprocess.run([exe, *args], capture_output=True, text=True)


def test_cli_finance():
    r = _cli("npv", "--rate", "0.1", "--", "-10000", "3000", "4200", "6800")
    assert r.returncode == 0 and r.stdout.strip() == "1188.44"
    r = _cli("irr", "--", "-70000", "12000", "15000", "18000", "21000", "26000")
    assert r.returncode == 0 and r.stdout.strip() == "0.086631"
    r = _cli("xirr", "--", "2008-01-01:-10000", "2008-03-01:2750", "2008-10-30:4250",
             "2009-02-15:3250", "2009-04-01:2750")
    assert r.returncode == 0 and r.stdout.strip() == "0.373363"
    for cmd in ("npv", "irr", "xirr"):
        h = _cli(cmd, "--help")
        assert h.returncode == 0 and "usage: kam " + cmd in h.stdout


def test_cli_finance_bad_input():
    r = _cli("npv", "--rate", "abc", "--", "1")
    assert r.returncode == 2 and "'abc' is not a number" in r.stderr
    r = _cli("npv", "--", "1", "2")
    assert r.returncode == 2 and "--rate is required" in r.stderr
    r = _cli("npv", "--rate", "0.1", "--", "1", "x2")
    assert r.returncode == 2 and "'x2' is not a number" in r.stderr
    r = _cli("irr", "--", "1", "2")
    assert r.returncode == 2 and "sign change" in r.stderr
    r = _cli("xirr", "--", "2008-13-01:5", "2009-01-01:-4")
    assert r.returncode == 2 and "DATE:VALUE" in r.stderr
    r = _cli("bogus")
    assert r.returncode == 2 and "unknown command" in r.stderr


def test_objects_in_garbage_cycles_free_safely():
    """An object caught in a reference cycle may be finalized after its Ctx: the ctx must
    outlive every handle made from it (run many times: the collector's order varies)."""
    import gc
    for _ in range(200):
        objs = [kam.Template("{{x}}"), kam.DMU()]
        try:
            objs.append(kam.Portfolio())
        except AttributeError:
            pass
        for o in objs:
            try:
                o.cycle = o
            except AttributeError:
                pass
        del objs, o
    gc.collect()
    assert kam.Template("{{x}}").render({"x": 1}) == "1"
