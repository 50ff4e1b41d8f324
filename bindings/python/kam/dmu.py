"""Stakeholder typing and the decision-making unit (kam/dmu.h).

    >>> kam.role_from_title("Зам. ген. директора по финансам")
    ('finance', 0.9025)
    >>> d = kam.DMU()
    >>> d.add(name="Ирина Соколова", title="Финансовый директор", influence=0.8,
    ...       buying_roles=["economic"], traits=dict(detail=0.9))
    0
    >>> d.emphasis()            # {'authority': ..., 'relational': ..., 'analytical': ...}
    >>> d.warnings()            # ['no_coach']
    >>> kam.DMU().read_csv("stakeholders.csv")       # or .parse_csv(text): kam_dmu_read_csv

Roles, styles, buying influences and warnings are strings (see ROLES, STYLES, BUYER_ROLES,
WARNINGS); the formulas behind the numbers are written in kam/dmu.h. Errors raise
kam.InvalidArgument (bad field, message names it), kam.ParseError (text that is not UTF-8),
kam.NotFound (index out of range), kam.IncompleteState (emphasis of an empty DMU).
"""
import ctypes
import math
import os

from ._native import (fn, check, error, Owner, Closable, Reader, READ_FN, text as _text, text_len,
                      c_int, c_int32, c_uint32, c_double, c_size_t, c_char_p, c_void_p, POINTER,
                      byref, KAM_EINVAL, KAM_ELIMIT)
from .portfolio import _csv_options, _CsvOptions, _lib_name

__all__ = ["ROLES", "STYLES", "BUYER_ROLES", "WARNINGS", "TRAITS", "role_from_title",
           "explain_title", "role_name", "role_from_name", "style_name", "role_style_prior",
           "profile_compute", "buyer_role_name", "buyer_role_parse", "dmu_warning_name", "trait_name",
           "DMU"]


class _Stakeholder(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("role", c_int32), ("name", c_char_p),
                ("title", c_char_p), ("email", c_char_p), ("phone", c_char_p),
                ("influence", c_double), ("attitude", c_int32), ("buying_roles", c_uint32),
                ("traits", c_double * 3)]


class _Profile(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("role", c_int32), ("role_confidence", c_double),
                ("style", c_double * 3), ("primary_style", c_int32), ("confidence", c_double)]


_D = POINTER(c_double)
_role_from_title = fn("kam_role_from_title", c_int, POINTER(c_int32), _D, c_char_p, c_size_t)
_role_explain = fn("kam_role_explain", c_int, c_char_p, c_size_t, POINTER(c_size_t), c_char_p,
                   c_size_t)
_role_name = fn("kam_role_name", c_char_p, c_int32)
_role_from_name = fn("kam_role_from_name", c_int, POINTER(c_int32), c_char_p, c_size_t)
_style_name = fn("kam_style_name", c_char_p, c_int32)
_role_style_prior = fn("kam_role_style_prior", c_int, _D, c_int32)
_profile_compute = fn("kam_profile_compute", c_int, POINTER(_Profile), c_int32, c_double, _D)
_buyer_role_name = fn("kam_buyer_role_name", c_char_p, c_uint32)
_buyer_role_parse = fn("kam_buyer_role_parse", c_int, POINTER(c_uint32), c_char_p, c_size_t)
_warning_name = fn("kam_dmu_warning_name", c_char_p, c_uint32)
_trait_name = fn("kam_trait_name", c_char_p, c_int32)
_dmu_new = fn("kam_dmu_new", c_int, POINTER(c_void_p), c_void_p)
_dmu_free = fn("kam_dmu_free", None, c_void_p)
_dmu_add = fn("kam_dmu_add", c_int, c_void_p, POINTER(_Stakeholder))
_dmu_count = fn("kam_dmu_count", c_size_t, c_void_p)
_dmu_stakeholder = fn("kam_dmu_stakeholder", c_int, POINTER(_Stakeholder), c_void_p, c_size_t)
_dmu_profile = fn("kam_dmu_profile", c_int, POINTER(_Profile), c_void_p, c_size_t)
_dmu_emphasis = fn("kam_dmu_emphasis", c_int, _D, c_void_p)
_dmu_warnings = fn("kam_dmu_warnings", c_int, POINTER(c_uint32), c_void_p)
_dmu_read_csv = fn("kam_dmu_read_csv", c_int, c_void_p, READ_FN, c_void_p, POINTER(_CsvOptions))

ROLES = tuple(_role_name(i).decode() for i in range(9))
STYLES = tuple(_style_name(i).decode() for i in range(3))
BUYER_ROLES = tuple(_buyer_role_name(1 << i).decode() for i in range(4))
WARNINGS = tuple(_warning_name(1 << i).decode() for i in range(4))
TRAITS = tuple(_trait_name(i).decode() for i in range(3))
_SIZE_MAX = (1 << (8 * ctypes.sizeof(c_size_t))) - 1


def _decode(b):
    return None if b is None else b.decode("utf-8", "replace")


def _title_message(data):
    return "title is None" if data is None else "title is not valid UTF-8"


def role_from_title(title):
    """Role name and confidence (0..1) read from a job title: ('finance', 0.95).

    Russian and English titles as typed into a CRM; 'unknown' with a confidence <= 0.2 for what
    cannot be placed. Raises InvalidArgument for None, ParseError for text that is not UTF-8."""
    data, n = text_len(title, "title")
    role, conf = c_int32(), c_double()
    check(_role_from_title(byref(role), byref(conf), data, n),
          message=_title_message(data))
    return ROLES[role.value], conf.value


def explain_title(title):
    """How kam_role_from_title read a title, as one line of text (the word groups with their
    kind, role and weight; the factors of the confidence)."""
    data, n = text_len(title, "title")
    needed = c_size_t()
    rc = _role_explain(None, 0, byref(needed), data, n)  # a sizing call: KAM_ELIMIT and the length
    if rc != KAM_ELIMIT:
        check(rc, message=_title_message(data))
    buf = ctypes.create_string_buffer(needed.value + 1)
    check(_role_explain(buf, len(buf), None, data, n))
    return buf.value.decode("utf-8", "replace")


def role_name(role):
    """The name of a KAM_ROLE_* number (0 -> 'unknown', 1 -> 'executive', ...)."""
    name = _role_name(int(role)) if -2**31 <= int(role) < 2**31 else None
    if name is None:
        raise error(KAM_EINVAL, "%r is not a role number (0..%d)" % (role, len(ROLES) - 1))
    return name.decode()


def role_from_name(name):
    """The KAM_ROLE_* number of a role name (case-insensitive). Raises NotFound for an unknown
    name."""
    data = _text(name, "role name")
    if data is None:
        raise error(KAM_EINVAL, "role name is None")
    out = c_int32()
    check(_role_from_name(byref(out), data, len(data)),
          message="%r is not a role (one of %s)" % (name, ", ".join(ROLES)))
    return out.value


def style_name(style):
    """The name of a KAM_STYLE_* number (0 -> 'authority', 1 -> 'relational', 2 -> 'analytical')."""
    return _lib_name(_style_name, style, -2**31, 2**31, "a style number (0..2)")


def _role_arg(role):
    """None/name/number -> KAM_ROLE_* number (validated by C for numbers)."""
    if role is None:
        return 0
    if isinstance(role, (str, bytes)):
        try:
            return role_from_name(role)
        except LookupError:
            raise error(KAM_EINVAL, "role %r is not one of %s" % (role, ", ".join(ROLES))) from None
    if isinstance(role, bool) or not isinstance(role, int):
        raise error(KAM_EINVAL, "role must be a name or a number, not %s" % type(role).__name__)
    if not -2**31 <= role < 2**31:
        raise error(KAM_EINVAL, "role %d is not a role number" % role)
    return role


def _mix(arr):
    return {STYLES[k]: arr[k] for k in range(3)}


def role_style_prior(role):
    """The default style mix of a role: {'authority': .., 'relational': .., 'analytical': ..}."""
    out = (c_double * 3)()
    check(_role_style_prior(out, _role_arg(role)),
          message="role %r is not a role" % (role,))
    return _mix(out)


def _traits_arg(traits):
    """None, dict(dominance=, people=, detail=) or a 3-sequence -> 3 doubles (NaN: not observed)."""
    if traits is None:
        return (c_double * 3)(math.nan, math.nan, math.nan)
    if isinstance(traits, dict):
        bad = set(traits) - set(TRAITS)
        if bad:
            raise error(KAM_EINVAL, "unknown trait %s (traits are %s)"
                        % (", ".join(sorted(map(str, bad))), ", ".join(TRAITS)))
        values = [traits.get(t) for t in TRAITS]
    else:
        values = list(traits)
        if len(values) != 3:
            raise error(KAM_EINVAL, "traits must be a dict or 3 values (dominance, people, detail)")
    out = (c_double * 3)()
    for k, v in enumerate(values):
        try:
            out[k] = math.nan if v is None else float(v)
        except (TypeError, ValueError):
            raise error(KAM_EINVAL, "trait %s: %r is not a number" % (TRAITS[k], v)) from None
    return out


def _profile_dict(p):
    return {"role": ROLES[p.role], "role_confidence": p.role_confidence, "style": _mix(p.style),
            "primary_style": STYLES[p.primary_style], "confidence": p.confidence}


def profile_compute(role, role_confidence=1.0, traits=None):
    """The style profile of a role known with role_confidence, moved by observed traits (None,
    dict(dominance=, people=, detail=) or 3 values in 0..1, None/NaN for not observed):
    {'role', 'role_confidence', 'style': {...}, 'primary_style', 'confidence'}."""
    p = _Profile(struct_size=ctypes.sizeof(_Profile))
    try:
        c = float(role_confidence)
    except (TypeError, ValueError):
        raise error(KAM_EINVAL, "role_confidence must be a number") from None
    check(_profile_compute(byref(p), _role_arg(role), c, _traits_arg(traits)),
          message="bad style profile argument (role, role_confidence 0..1, traits 0..1 or None)")
    return _profile_dict(p)


def buyer_role_name(flag):
    """The name of one KAM_BUYER_* flag (1 -> 'economic', 2 -> 'user', 4 -> 'technical',
    8 -> 'coach')."""
    return _lib_name(_buyer_role_name, flag, 0, 2**32, "a single buying role flag")


def buyer_role_parse(text):
    """'economic;coach' -> KAM_BUYER_* bits (1 | 8 = 9). Raises ParseError for an unknown name."""
    data = _text(text, "buying roles")
    if data is None:
        raise error(KAM_EINVAL, "buying roles is None")
    out = c_uint32()
    check(_buyer_role_parse(byref(out), data, len(data)),
          message="%r: buying roles are %s" % (text, ", ".join(BUYER_ROLES)))
    return out.value


def dmu_warning_name(flag):
    """The name of one KAM_DMU_* warning flag (1 -> 'empty', 2 -> 'no_economic_buyer',
    4 -> 'no_coach', 8 -> 'influential_opponent')."""
    return _lib_name(_warning_name, flag, 0, 2**32, "a single warning flag")


def trait_name(index):
    """The name of an observed trait by its index in a stakeholder's traits (0 -> 'dominance',
    1 -> 'people', 2 -> 'detail')."""
    return _lib_name(_trait_name, index, -2**31, 2**31, "a trait index (0..2)")


def _flag_names(bits, names):
    return [names[k] for k in range(len(names)) if bits & (1 << k)]


def _buying_roles_arg(value):
    if value is None:
        return 0
    if isinstance(value, bool):
        raise error(KAM_EINVAL, "buying_roles must be names or KAM_BUYER_* bits")
    if isinstance(value, int):
        return value & 0xFFFFFFFF if 0 <= value < 2**32 else 0xFFFFFFFF
    if isinstance(value, (str, bytes)):
        return buyer_role_parse(value)
    bits = 0
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            bits |= item if 0 <= item < 2**32 else 0xFFFFFFFF
        else:
            bits |= buyer_role_parse(item)
    return bits


def _stakeholder(name, title, role, influence, attitude, buying_roles, traits, email, phone):
    """A kam_stakeholder from DMU.add's (and Proposal.add_stakeholder's) arguments; the ranges
    are the library's to check."""
    s = _Stakeholder()
    s.struct_size = ctypes.sizeof(_Stakeholder)
    s.role = _role_arg(role)
    s.name = _text(name, "name")
    s.title = _text(title, "title")
    s.email = _text(email, "email")
    s.phone = _text(phone, "phone")
    try:
        s.influence = math.nan if influence is None else float(influence)
    except (TypeError, ValueError):
        raise error(KAM_EINVAL, "influence %r is not a number" % (influence,)) from None
    if isinstance(attitude, bool) or not isinstance(attitude, int):
        try:
            if float(attitude) != int(attitude):
                raise ValueError
            attitude = int(attitude)
        except (TypeError, ValueError, OverflowError):
            raise error(KAM_EINVAL, "attitude %r is not a whole number" % (attitude,)) from None
    s.attitude = max(-2**31, min(2**31 - 1, attitude))
    s.buying_roles = _buying_roles_arg(buying_roles)
    s.traits = _traits_arg(traits)
    return s


class DMU(Closable):
    """A client's decision-making unit: stakeholders, their style profiles, the emphasis for a
    proposal and the warnings (what is missing). len(dmu) is the number of people; dmu[i] is a
    profile dict; iteration yields the profiles in the order added."""

    _what = "DMU"

    def __init__(self):
        self._owner = Owner()
        self._handle = self._owner.hold(_dmu_free)
        check(_dmu_new(byref(self._handle), self._owner.ptr), self._owner)

    def add(self, name=None, title=None, role=None, influence=None, attitude=0,
            buying_roles=(), traits=None, email=None, phone=None):
        """Adds a person and returns their index. role: a role name or number, or None to read
        it from the title; influence 0..1 or None (unknown: counts as 0.5); attitude -5..+5;
        buying_roles: names ('economic', 'user', 'technical', 'coach'), a 'economic;coach' string
        or KAM_BUYER_* bits; traits: None, dict(dominance=, people=, detail=) or 3 values, each
        0..1 or None. Raises InvalidArgument naming the bad field; the DMU is then unchanged."""
        s = _stakeholder(name, title, role, influence, attitude, buying_roles, traits, email,
                         phone)
        check(_dmu_add(self._ptr, byref(s)), self._owner)
        return len(self) - 1

    @classmethod
    def read_csv(cls, path, delimiter=None):
        """A new DMU with the stakeholders of a CSV file (kam_dmu_read_csv); as read_csv_into."""
        return cls().read_csv_into(path, delimiter)

    @classmethod
    def parse_csv(cls, text, delimiter=None):
        """A new DMU with the stakeholders of CSV text held in memory; as parse_csv_into."""
        return cls().parse_csv_into(text, delimiter)

    def read_csv_into(self, path, delimiter=None):
        """Adds the stakeholders of a CSV file (kam_dmu_read_csv) and returns self: path is a
        str or os.PathLike (or an open binary file). The header names the columns, in English or
        Russian (name/ФИО, title/должность, role, influence/влияние, attitude/отношение,
        buying_roles/роли в закупке, dominance, people, detail, email, phone); delimiter: one
        character, default detected. All or nothing: on error (ParseError, InvalidArgument,
        naming the line and the column) the DMU is unchanged."""
        o = _csv_options({"delimiter": delimiter}, allowed=("delimiter",))
        if isinstance(path, (str, bytes, os.PathLike)):
            with open(path, "rb") as f:
                return self._read_csv(f, o)
        return self._read_csv(path, o)

    def parse_csv_into(self, text, delimiter=None):
        """Adds the stakeholders of CSV text in memory (str or bytes) and returns self; as
        read_csv_into otherwise."""
        o = _csv_options({"delimiter": delimiter}, allowed=("delimiter",))
        if isinstance(text, str):
            text = text.encode("utf-8", "surrogateescape")
        elif not isinstance(text, (bytes, bytearray, memoryview)):
            raise error(KAM_EINVAL, "parse_csv takes str or bytes, not %s" % type(text).__name__)
        return self._read_csv(bytes(text), o)

    def _read_csv(self, source, o):
        reader = Reader(source)
        rc = _dmu_read_csv(self._ptr, reader.cb, None, byref(o))
        reader.reraise()
        check(rc, self._owner)
        return self

    def __len__(self):
        return _dmu_count(self._ptr)

    def count(self):
        """The number of people (kam_dmu_count), as len(d)."""
        return len(self)

    def _index(self, i):
        if isinstance(i, bool) or not isinstance(i, int):
            raise error(KAM_EINVAL, "index must be an int")
        n = len(self)
        if -n <= i < 0:
            i += n
        if i < 0 or i > _SIZE_MAX:
            i = _SIZE_MAX  # let the library report it as out of range
        return i

    def stakeholder(self, i):
        """The person at index i as given: {'name', 'title', 'email', 'phone', 'role' (given,
        'unknown' if read from the title), 'influence' (None if unknown), 'attitude',
        'buying_roles' (names), 'traits' (dict, None where not observed)}."""
        s = _Stakeholder(struct_size=ctypes.sizeof(_Stakeholder))
        check(_dmu_stakeholder(byref(s), self._ptr, self._index(i)), self._owner)
        return {"name": _decode(s.name), "title": _decode(s.title), "email": _decode(s.email),
                "phone": _decode(s.phone), "role": ROLES[s.role], "role_given": s.role != 0,
                "influence": None if math.isnan(s.influence) else s.influence,
                "attitude": s.attitude, "buying_roles": _flag_names(s.buying_roles, BUYER_ROLES),
                "traits": {TRAITS[k]: (None if math.isnan(s.traits[k]) else s.traits[k])
                           for k in range(3)}}

    def profile(self, i):
        """The profile of the person at index i (negative counts from the end): the stakeholder
        fields plus 'role' (given or read from the title), 'role_confidence', 'style' (dict),
        'primary_style', 'confidence'. Raises NotFound when i is out of range."""
        p = _Profile(struct_size=ctypes.sizeof(_Profile))
        check(_dmu_profile(byref(p), self._ptr, self._index(i)), self._owner)
        d = self.stakeholder(i)
        d["role_given"] = d["role"] != "unknown"
        d.update(_profile_dict(p))
        return d

    def __getitem__(self, i):
        return self.profile(i)

    def __iter__(self):
        for i in range(len(self)):
            yield self.profile(i)

    def profiles(self):
        """Every person's profile (see profile()), in the order added."""
        return [self.profile(i) for i in range(len(self))]

    def emphasis(self):
        """The influence-weighted style mix of the DMU: {'authority': .., 'relational': ..,
        'analytical': ..}, summing to 1. Raises IncompleteState for an empty DMU."""
        out = (c_double * 3)()
        check(_dmu_emphasis(out, self._ptr), self._owner)
        return _mix(out)

    def warning_flags(self):
        """The KAM_DMU_* warning bits."""
        out = c_uint32()
        check(_dmu_warnings(byref(out), self._ptr), self._owner)
        return out.value

    def warnings(self):
        """Names of what is missing or dangerous: 'empty', 'no_economic_buyer', 'no_coach',
        'influential_opponent'."""
        return _flag_names(self.warning_flags(), WARNINGS)

    def __repr__(self):
        if self._closed:
            return "<kam.DMU (closed)>"
        return "<kam.DMU of %d>" % len(self)
