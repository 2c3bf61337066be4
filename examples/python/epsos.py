# libepsos - a ctypes binding (no compilation step).
# SPDX-License-Identifier: MIT
#
# Loads libepsos.so.1 by its SONAME (the installed libepsos1 package), or the
# file named by the environment variable EPSOS_LIB (a build tree:
# EPSOS_LIB=lib/.libs/libepsos.so.1).  Every C function used is declared with
# its argtypes and restype; a failing call raises epsos.Error carrying the
# status, the context's message, XPath location and input line.
#
#     import epsos
#     with epsos.Context() as ctx, ctx.parse_file("ps.xml") as doc:
#         hdr = doc.header()
#         print(hdr.child(epsos.F.PATIENT).get_time(epsos.F.BIRTH_TIME))
#
# Handles: a Context owns its Docs (closing the context closes the documents
# still open); an Item is borrowed from its Doc and refuses to be used once
# the Doc is closed.  Strings go in and come out as Python str (UTF-8).

import ctypes
import os
import weakref
from ctypes import (POINTER, Structure, byref, c_char_p, c_int, c_int32,
                    c_int64, c_size_t, c_uint32, c_uint64, c_void_p)

__all__ = ["Error", "Context", "Doc", "Item", "F", "load", "version", "Catalogue",
           "TermReport", "Signer", "Verifier", "AssertionBuilder", "Assertion",
           "strerror", "DOC_PS", "DOC_EP", "DOC_ED", "DOC_PS_L1", "DOC_EP_L1",
           "SERIALIZE_FORMAT"]

SONAME = "libepsos.so.1"

# Status codes (include/epsos/common.h; values fixed forever).
OK = 0
ERROR = -1
ENOMEM = -2
EINVAL = -3
EPARSE = -4
ENOTCDA = -5
ELIMIT = -6
EUNSAFE = -7
ENOTFOUND = -8
ETYPE = -9
EVALUE = -10
EIO = -11

# Document kinds and generations (include/epsos/doc.h).
DOC_UNKNOWN = 0
DOC_PS = 1
DOC_EP = 2
DOC_ED = 3
DOC_PS_L1 = 4
DOC_EP_L1 = 5
GEN_UNKNOWN = 0
GEN_EPSOS = 1
GEN_EHDSI = 2
SERIALIZE_FORMAT = 1

# Item kinds used by the examples (include/epsos/doc.h; the library's own
# names, epsos_kind_name(), differ: "allergies" for the allergies section).
KIND_HEADER = 1
KIND_PATIENT = 2
KIND_AUTHOR = 3
KIND_PS_MEDICATION_SECTION = 11
KIND_PS_ALLERGIES_SECTION = 12
KIND_PS_PROBLEMS_SECTION = 13
KIND_PS_SURGERIES_SECTION = 14
KIND_PS_DEVICES_SECTION = 15
KIND_EP_SECTION = 48
KIND_ED_SECTION = 49
KIND_PRESCRIPTION = 50
KIND_DISPENSE = 51
KIND_PRODUCT = 52

# Patient Summary: absent/unknown entries (include/epsos/ps.h).
ABSENT_NO_INFO = 1
ABSENT_NO_KNOWN = 2

# Dispensing (include/epsos/ep.h).
ED_SUBSTITUTED = 1

# Validation severities (include/epsos/validate.h).
SEV_ERROR = 1
SEV_WARNING = 2
SEV_INFO = 3

# Terminology (include/epsos/term.h).
CAT_VALUE_SETS = 1
CAT_MEMBERS = 2
CAT_CONCEPTS = 3
CAT_MAPPINGS = 4
CAT_DESIGNATIONS = 5
CAT_ALIASES = 6
TERM_NO_MAPPING = 1
TERM_NOT_IN_VALUE_SET = 2
TERM_NULL_REQUIRED = 3
TERM_NO_DESIGNATION = 4
TERM_UNKNOWN_VALUE_SET = 5
TERM_BAD_UNIT = 6
TERM_NO_CONCEPT = 7
TERM_STAT_VISITED = 1
TERM_STAT_TRANSCODED = 2
TERM_STAT_TRANSLATED = 3
TERM_STAT_MISSING = 4
TERM_STRICT = 1

# Assertions (include/epsos/saml.h).
ASSERTION_HCP = 1
ASSERTION_TRC = 2
ASSERTION_LEGACY = 1
SAML_ID = 1
SAML_ISSUER = 2
SAML_NAME_ID = 3
SAML_NAME_ID_FORMAT = 4
SAML_AUDIENCE = 5
SAML_AUTHN_CLASS = 6
SAML_SUBJECT_ID = 7
SAML_ROLE = 8
SAML_ROLE_NAME = 9
SAML_ORGANIZATION = 10
SAML_ORGANIZATION_ID = 11
SAML_FACILITY_TYPE = 12
SAML_PURPOSE = 13
SAML_LOCALITY = 14
SAML_ON_BEHALF_OF = 15
SAML_HCP_ID_REF = 16
SAML_PRESCRIPTION_ID = 17
SAML_DISPENSATION_PIN = 18
SAML_ISSUE_INSTANT = 1
SAML_NOT_BEFORE = 2
SAML_NOT_ON_OR_AFTER = 3
SAML_AUTHN_INSTANT = 4
SAML_OK = 0
TX_IDENTIFY_PATIENT = 1
TX_RETRIEVE_PS = 2
TX_RETRIEVE_EP = 3
TX_SUBMIT_ED = 4
TX_DISCARD_ED = 5
TX_SUBMIT_CONSENT = 6
DSIG_POS_DEFAULT = -1

LIMIT_MAX_BYTES = 1
LIMIT_MAX_DEPTH = 2
LIMIT_MAX_ATTRIBUTES = 3


# Opaque handle types: distinct pointer types, so that ctypes refuses a
# document where a context is expected.
class _Ctx(Structure):
    pass


class _Doc(Structure):
    pass


class _Item(Structure):
    pass


class _Report(Structure):
    pass


class _CatBuilder(Structure):
    pass


class _Catalogue(Structure):
    pass


class _TermReport(Structure):
    pass


class _Signer(Structure):
    pass


class _Verifier(Structure):
    pass


class _Trust(Structure):
    pass


class _ABuilder(Structure):
    pass


class _Assertion(Structure):
    pass


ctx_p = POINTER(_Ctx)
doc_p = POINTER(_Doc)
item_p = POINTER(_Item)
report_p = POINTER(_Report)
catbuilder_p = POINTER(_CatBuilder)
catalogue_p = POINTER(_Catalogue)
termreport_p = POINTER(_TermReport)
signer_p = POINTER(_Signer)
verifier_p = POINTER(_Verifier)
trust_p = POINTER(_Trust)
abuilder_p = POINTER(_ABuilder)
assertion_p = POINTER(_Assertion)
_cstr_out = POINTER(c_char_p)

# name: (restype, argtypes) for every function this module calls.
_PROTOTYPES = {
    "epsos_init": (c_int, []),
    "epsos_version_string": (c_char_p, []),
    "epsos_version_number": (c_int32, []),
    "epsos_strerror": (c_char_p, [c_int]),
    "epsos_free": (None, [c_void_p]),

    "epsos_ctx_new": (c_int, [POINTER(ctx_p)]),
    "epsos_ctx_free": (None, [ctx_p]),
    "epsos_ctx_errcode": (c_int, [ctx_p]),
    "epsos_ctx_errmsg": (c_char_p, [ctx_p]),
    "epsos_ctx_errloc": (c_char_p, [ctx_p]),
    "epsos_ctx_errline": (c_int32, [ctx_p]),
    "epsos_ctx_clear_error": (None, [ctx_p]),
    "epsos_ctx_set_limit": (c_int, [ctx_p, c_int32, c_uint64]),
    "epsos_ctx_get_limit": (c_int, [ctx_p, c_int32, POINTER(c_uint64)]),

    "epsos_doc_parse": (c_int, [POINTER(doc_p), ctx_p, c_char_p, c_size_t, c_uint32]),
    "epsos_doc_parse_file": (c_int, [POINTER(doc_p), ctx_p, c_char_p, c_uint32]),
    "epsos_doc_new": (c_int, [POINTER(doc_p), ctx_p, c_int32]),
    # uint8_t **out: taken as void ** so that the pointer can be handed back
    # to epsos_free() untouched.
    "epsos_doc_serialize": (c_int, [POINTER(c_void_p), POINTER(c_size_t), doc_p, c_uint32]),
    "epsos_doc_save": (c_int, [doc_p, c_char_p, c_uint32]),
    "epsos_doc_free": (None, [doc_p]),
    "epsos_doc_kind": (c_int32, [doc_p]),
    "epsos_doc_generation": (c_int32, [doc_p]),
    "epsos_doc_header": (c_int, [POINTER(item_p), doc_p]),

    "epsos_doc_kind_name": (c_char_p, [c_int32]),
    "epsos_generation_name": (c_char_p, [c_int32]),
    "epsos_kind_name": (c_char_p, [c_int32]),
    "epsos_field_name": (c_char_p, [c_int32]),

    "epsos_item_kind": (c_int32, [item_p]),
    "epsos_item_path": (c_char_p, [item_p]),
    "epsos_item_line": (c_int32, [item_p]),
    "epsos_item_count": (c_int, [item_p, c_int32, POINTER(c_size_t)]),
    "epsos_item_child": (c_int, [POINTER(item_p), item_p, c_int32, c_size_t]),
    "epsos_item_add_child": (c_int, [POINTER(item_p), item_p, c_int32]),
    "epsos_item_remove": (c_int, [item_p, c_int32, c_size_t]),
    "epsos_item_get_text": (c_int, [item_p, c_int32, c_size_t, _cstr_out]),
    "epsos_item_get_code": (c_int, [item_p, c_int32, c_size_t, _cstr_out, _cstr_out, _cstr_out]),
    "epsos_item_get_id": (c_int, [item_p, c_int32, c_size_t, _cstr_out, _cstr_out]),
    "epsos_item_get_time": (c_int, [item_p, c_int32, c_size_t, _cstr_out]),
    "epsos_item_get_quantity": (c_int, [item_p, c_int32, c_size_t, _cstr_out, _cstr_out]),
    "epsos_item_get_telecom": (c_int, [item_p, c_int32, c_size_t, _cstr_out, _cstr_out]),
    "epsos_item_set_text": (c_int, [item_p, c_int32, c_size_t, c_char_p]),
    "epsos_item_set_code": (c_int, [item_p, c_int32, c_size_t, c_char_p, c_char_p, c_char_p]),
    "epsos_item_set_id": (c_int, [item_p, c_int32, c_size_t, c_char_p, c_char_p]),
    "epsos_item_set_time": (c_int, [item_p, c_int32, c_size_t, c_char_p]),
    "epsos_item_set_quantity": (c_int, [item_p, c_int32, c_size_t, c_char_p, c_char_p]),
    "epsos_item_set_telecom": (c_int, [item_p, c_int32, c_size_t, c_char_p, c_char_p]),
    "epsos_item_translation_count": (c_int, [item_p, c_int32, c_size_t, POINTER(c_size_t)]),
    "epsos_item_get_translation": (c_int, [item_p, c_int32, c_size_t, c_size_t, _cstr_out,
                                           _cstr_out, _cstr_out]),

    # Patient Summary (ps.h), dispensing (ep.h), validation (validate.h).
    "epsos_doc_add_section": (c_int, [POINTER(item_p), doc_p, c_int32]),
    "epsos_ps_set_absent": (c_int, [POINTER(item_p), doc_p, c_int32, c_int32]),
    "epsos_doc_complete": (c_int, [doc_p, c_uint32]),
    "epsos_ed_from_ep": (c_int, [POINTER(doc_p), item_p, c_char_p, c_char_p, c_uint32]),
    "epsos_validate": (c_int, [POINTER(report_p), ctx_p, doc_p, c_uint32]),
    "epsos_report_free": (None, [report_p]),
    "epsos_report_count": (c_size_t, [report_p, c_int32]),
    "epsos_report_severity": (c_int32, [report_p, c_size_t]),
    "epsos_report_rule": (c_char_p, [report_p, c_size_t]),
    "epsos_report_message": (c_char_p, [report_p, c_size_t]),
    "epsos_report_xpath": (c_char_p, [report_p, c_size_t]),
    "epsos_report_line": (c_int32, [report_p, c_size_t]),

    # Terminology (term.h).
    "epsos_catalogue_builder_new": (c_int, [POINTER(catbuilder_p), ctx_p]),
    "epsos_catalogue_builder_add": (c_int, [catbuilder_p, c_char_p, c_size_t, c_char_p]),
    "epsos_catalogue_builder_add_file": (c_int, [catbuilder_p, c_char_p]),
    "epsos_catalogue_builder_finish": (c_int, [POINTER(catalogue_p), catbuilder_p]),
    "epsos_catalogue_builder_free": (None, [catbuilder_p]),
    "epsos_catalogue_open": (c_int, [POINTER(catalogue_p), ctx_p, c_char_p]),
    "epsos_catalogue_free": (None, [catalogue_p]),
    "epsos_catalogue_count": (c_int, [catalogue_p, c_int32, POINTER(c_size_t)]),
    "epsos_catalogue_transcode": (c_int, [_cstr_out, _cstr_out, _cstr_out, catalogue_p,
                                          c_char_p, c_char_p, c_char_p]),
    "epsos_term_report_new": (c_int, [POINTER(termreport_p), ctx_p]),
    "epsos_term_report_free": (None, [termreport_p]),
    "epsos_term_report_count": (c_size_t, [termreport_p]),
    "epsos_term_report_finding": (c_int, [termreport_p, c_size_t, POINTER(c_int32), _cstr_out,
                                          _cstr_out, _cstr_out]),
    "epsos_term_report_stat": (c_int, [termreport_p, c_int32, POINTER(c_size_t)]),
    "epsos_transcode": (c_int, [doc_p, catalogue_p, c_uint32, termreport_p]),
    "epsos_translate": (c_int, [doc_p, catalogue_p, c_char_p, c_uint32, termreport_p]),

    # Signatures (dsig.h) and assertions (saml.h).
    "epsos_signer_new_pem": (c_int, [POINTER(signer_p), ctx_p, c_char_p, c_size_t, c_char_p,
                                     c_size_t]),
    "epsos_signer_add_chain_pem": (c_int, [signer_p, c_char_p, c_size_t]),
    "epsos_signer_free": (None, [signer_p]),
    "epsos_verifier_new": (c_int, [POINTER(verifier_p), ctx_p]),
    "epsos_verifier_add_trust": (c_int, [verifier_p, c_char_p]),
    "epsos_verifier_add_trust_pem": (c_int, [verifier_p, c_char_p, c_size_t]),
    "epsos_verifier_free": (None, [verifier_p]),
    "epsos_verifier_set_trust": (c_int, [verifier_p, trust_p]),
    "epsos_trust_new": (c_int, [POINTER(trust_p), ctx_p, c_char_p]),
    "epsos_trust_new_pem": (c_int, [POINTER(trust_p), ctx_p, c_char_p, c_size_t]),
    "epsos_trust_count": (c_size_t, [trust_p]),
    "epsos_trust_free": (None, [trust_p]),
    "epsos_assertion_builder_new": (c_int, [POINTER(abuilder_p), ctx_p, c_int32]),
    "epsos_assertion_builder_set": (c_int, [abuilder_p, c_int32, c_char_p]),
    "epsos_assertion_builder_set_time": (c_int, [abuilder_p, c_int32, c_int64]),
    "epsos_assertion_builder_add_permission": (c_int, [abuilder_p, c_char_p]),
    "epsos_assertion_builder_sign": (c_int, [POINTER(c_void_p), POINTER(c_size_t), abuilder_p,
                                             signer_p]),
    "epsos_assertion_builder_free": (None, [abuilder_p]),
    "epsos_assertion_parse": (c_int, [POINTER(assertion_p), ctx_p, c_char_p, c_size_t, c_int32,
                                      c_uint32]),
    "epsos_assertion_verify": (c_int, [POINTER(c_int32), assertion_p, verifier_p, c_int64,
                                       c_int32]),
    "epsos_assertion_message": (c_char_p, [assertion_p]),
    "epsos_assertion_kind": (c_int32, [assertion_p]),
    "epsos_assertion_get": (c_int, [assertion_p, c_int32, _cstr_out]),
    "epsos_assertion_get_time": (c_int, [assertion_p, c_int32, POINTER(c_int64)]),
    "epsos_assertion_permission_count": (c_size_t, [assertion_p]),
    "epsos_assertion_permission": (c_int, [assertion_p, c_size_t, _cstr_out]),
    "epsos_assertion_free": (None, [assertion_p]),
    "epsos_access_decide": (c_int, [POINTER(c_int32), assertion_p, assertion_p, c_int32]),
    "epsos_saml_verdict_name": (c_char_p, [c_int32]),
    "epsos_dsig_reason_name": (c_char_p, [c_int32]),
}

_lib = None


def load(path=None):
    """Load the library (once) and declare the prototypes; returns the CDLL.

    path, else $EPSOS_LIB, else the SONAME through the dynamic loader."""
    global _lib
    if _lib is not None:
        return _lib
    lib = ctypes.CDLL(path or os.environ.get("EPSOS_LIB") or SONAME)
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    _lib = lib
    _init_fields(lib)
    return lib


def _s(b):
    """C string (bytes or None) to str or None."""
    return None if b is None else b.decode("utf-8")


def _b(s):
    """str or None to a C string."""
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    return os.fsencode(s) if isinstance(s, os.PathLike) else s.encode("utf-8")


def version():
    return _s(load().epsos_version_string())


def strerror(status):
    return _s(load().epsos_strerror(status))


class Error(Exception):
    """A libepsos call failed: status (EPSOS_E*), message, location, line."""

    def __init__(self, status, message="", location="", line=0, function=""):
        self.status = status
        self.message = message
        self.location = location
        self.line = line
        self.function = function
        text = "%s: %s (%s)" % (function, message or strerror(status), strerror(status))
        if location:
            text += " at " + location
        if line:
            text += ", line %d" % line
        super().__init__(text)


class _Fields:
    """EPSOS_F_* by name, read from the library itself (epsos_field_name), so
    that fields added by later versions of the library appear here too."""

    def __getattr__(self, name):
        if _lib is None and not name.startswith("_"):
            load()                  # fills this object, then look again
            return getattr(self, name)
        raise AttributeError("libepsos has no field %s" % name)


F = _Fields()


def _init_fields(lib):
    misses = 0
    field = 1
    while misses < 16:              # the numbering is dense; stop past the end
        name = lib.epsos_field_name(field)
        if name is None:
            misses += 1
        else:
            misses = 0
            setattr(F, name.decode("ascii").upper(), field)
        field += 1


class Context:
    """An epsos_ctx: error state and limits.  Use as a context manager."""

    def __init__(self):
        lib = load()
        self._lib = lib
        h = ctx_p()
        rc = lib.epsos_ctx_new(byref(h))
        if rc != OK:
            raise Error(rc, function="epsos_ctx_new")
        self._h = h
        self._docs = weakref.WeakSet()

    def _handle(self):
        if self._h is None:
            raise ValueError("libepsos context is closed")
        return self._h

    def check(self, rc, function):
        """Raise Error for a failing status, with the context's details."""
        if rc != OK:
            lib, h = self._lib, self._h
            raise Error(rc, _s(lib.epsos_ctx_errmsg(h)), _s(lib.epsos_ctx_errloc(h)),
                        lib.epsos_ctx_errline(h), function)

    def set_limit(self, limit, value):
        self.check(self._lib.epsos_ctx_set_limit(self._handle(), limit, value),
                   "epsos_ctx_set_limit")

    def get_limit(self, limit):
        v = c_uint64()
        self.check(self._lib.epsos_ctx_get_limit(self._handle(), limit, byref(v)),
                   "epsos_ctx_get_limit")
        return v.value

    def parse_file(self, path, flags=0):
        h = doc_p()
        self.check(self._lib.epsos_doc_parse_file(byref(h), self._handle(), _b(path), flags),
                   "epsos_doc_parse_file")
        return Doc(self, h)

    def parse(self, data, flags=0):
        data = bytes(data)
        h = doc_p()
        self.check(self._lib.epsos_doc_parse(byref(h), self._handle(), data, len(data), flags),
                   "epsos_doc_parse")
        return Doc(self, h)

    def new_doc(self, kind):
        h = doc_p()
        self.check(self._lib.epsos_doc_new(byref(h), self._handle(), kind), "epsos_doc_new")
        return Doc(self, h)

    def catalogue(self, *sources):
        """A Catalogue built in memory from terminology source files (TSV,
        SVS, ART-DECOR or FHIR XML; epsos-catalogue(5))."""
        lib = self._lib
        b = catbuilder_p()
        self.check(lib.epsos_catalogue_builder_new(byref(b), self._handle()),
                   "epsos_catalogue_builder_new")
        try:
            for src in sources:
                self.check(lib.epsos_catalogue_builder_add_file(b, _b(src)),
                           "epsos_catalogue_builder_add_file")
            h = catalogue_p()
            self.check(lib.epsos_catalogue_builder_finish(byref(h), b),
                       "epsos_catalogue_builder_finish")
        finally:
            lib.epsos_catalogue_builder_free(b)
        return Catalogue(self, h)

    def signer_pem(self, key, cert, chain=None):
        """A Signer from PEM bytes: private key, its certificate, optional chain."""
        h = signer_p()
        key, cert = bytes(key), bytes(cert)
        self.check(self._lib.epsos_signer_new_pem(byref(h), self._handle(), key, len(key),
                                                   cert, len(cert)), "epsos_signer_new_pem")
        signer = Signer(self, h)
        if chain:
            chain = bytes(chain)
            self.check(self._lib.epsos_signer_add_chain_pem(h, chain, len(chain)),
                       "epsos_signer_add_chain_pem")
        return signer

    def trust(self, path=None, pem=None):
        """An immutable Trust store: the PEM certificates and CRLs of a file or
        directory (path) or of bytes (pem), shared by any number of verifiers,
        of any contexts and threads."""
        h = trust_p()
        if pem is not None:
            pem = bytes(pem)
            rc = self._lib.epsos_trust_new_pem(byref(h), self._handle(), pem, len(pem))
            self.check(rc, "epsos_trust_new_pem")
        else:
            self.check(self._lib.epsos_trust_new(byref(h), self._handle(), _b(path)),
                       "epsos_trust_new")
        return Trust(self, h)

    def verifier(self, *trust_paths, trust=None):
        """A Verifier trusting the PEM certificates (and CRLs) of the files,
        or the shared Trust store trust (then the files are added for this
        verifier alone)."""
        h = verifier_p()
        self.check(self._lib.epsos_verifier_new(byref(h), self._handle()), "epsos_verifier_new")
        v = Verifier(self, h)
        if trust is not None:
            self.check(self._lib.epsos_verifier_set_trust(h, trust._handle()),
                       "epsos_verifier_set_trust")
        for path in trust_paths:
            self.check(self._lib.epsos_verifier_add_trust(h, _b(path)),
                       "epsos_verifier_add_trust")
        return v

    def assertion_builder(self, kind=ASSERTION_HCP):
        h = abuilder_p()
        self.check(self._lib.epsos_assertion_builder_new(byref(h), self._handle(), kind),
                   "epsos_assertion_builder_new")
        return AssertionBuilder(self, h)

    def parse_assertion(self, xml, kind=ASSERTION_HCP, flags=0):
        xml = bytes(xml)
        h = assertion_p()
        self.check(self._lib.epsos_assertion_parse(byref(h), self._handle(), xml, len(xml),
                                                   kind, flags), "epsos_assertion_parse")
        return Assertion(self, h)

    def close(self):
        if self._h is not None:
            for doc in list(self._docs):     # documents (and the other objects) first
                doc.close()
            self._lib.epsos_ctx_free(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class Doc:
    """An epsos_doc.  Use as a context manager, or close() it."""

    def __init__(self, ctx, handle):
        self.ctx = ctx
        self._lib = ctx._lib
        self._h = handle
        ctx._docs.add(self)

    def _handle(self):
        if self._h is None:
            raise ValueError("libepsos document is closed")
        return self._h

    @property
    def closed(self):
        return self._h is None

    @property
    def kind(self):
        return self._lib.epsos_doc_kind(self._handle())

    @property
    def kind_name(self):
        return _s(self._lib.epsos_doc_kind_name(self.kind))

    @property
    def generation(self):
        return self._lib.epsos_doc_generation(self._handle())

    @property
    def generation_name(self):
        return _s(self._lib.epsos_generation_name(self.generation))

    def header(self):
        h = item_p()
        self.ctx.check(self._lib.epsos_doc_header(byref(h), self._handle()), "epsos_doc_header")
        return Item(self, h)

    def serialize(self, flags=0):
        """The document as UTF-8 XML bytes."""
        out = c_void_p()
        n = c_size_t()
        rc = self._lib.epsos_doc_serialize(byref(out), byref(n), self._handle(), flags)
        try:
            self.ctx.check(rc, "epsos_doc_serialize")
            return ctypes.string_at(out, n.value)
        finally:
            self._lib.epsos_free(out)

    def save(self, path, flags=0):
        self.ctx.check(self._lib.epsos_doc_save(self._handle(), _b(path), flags),
                       "epsos_doc_save")

    def add_section(self, kind):
        """Append a body section of a section kind (KIND_PS_*_SECTION, ...)."""
        h = item_p()
        self.ctx.check(self._lib.epsos_doc_add_section(byref(h), self._handle(), kind),
                       "epsos_doc_add_section")
        return Item(self, h)

    def set_absent(self, section_kind, absent):
        """The absent/unknown entry (ABSENT_*) of a PS section; returns the section."""
        h = item_p()
        self.ctx.check(self._lib.epsos_ps_set_absent(byref(h), self._handle(), section_kind,
                                                      absent), "epsos_ps_set_absent")
        return Item(self, h)

    def complete(self, flags=0):
        """Generate missing entry ids, the narrative and the effectiveTime."""
        self.ctx.check(self._lib.epsos_doc_complete(self._handle(), flags), "epsos_doc_complete")

    def validate(self):
        """The built-in validator: a list of (severity, rule, message, xpath, line)."""
        lib = self._lib
        r = report_p()
        rc = lib.epsos_validate(byref(r), self.ctx._handle(), self._handle(), 0)
        try:
            self.ctx.check(rc, "epsos_validate")
            return [(lib.epsos_report_severity(r, i), _s(lib.epsos_report_rule(r, i)),
                     _s(lib.epsos_report_message(r, i)), _s(lib.epsos_report_xpath(r, i)),
                     lib.epsos_report_line(r, i))
                    for i in range(lib.epsos_report_count(r, 0))]
        finally:
            lib.epsos_report_free(r)

    def transcode(self, catalogue, flags=0):
        """National codes to MVC codes; returns the TermReport (raises
        Error, e.g. with TERM_STRICT, after filling it: see e.report)."""
        return self._term("epsos_transcode", catalogue, None, flags)

    def translate(self, catalogue, lang, flags=0):
        """Display names in language lang; returns the TermReport."""
        return self._term("epsos_translate", catalogue, lang, flags)

    def _term(self, name, catalogue, lang, flags):
        report = TermReport(self.ctx)
        fn = getattr(self._lib, name)
        args = (self._handle(), catalogue._handle()) + ((_b(lang),) if name == "epsos_translate"
                                                        else ()) + (flags, report._handle())
        try:
            self.ctx.check(fn(*args), name)
        except Error as e:
            e.report = report
            raise
        return report

    def close(self):
        if self._h is not None:
            self._lib.epsos_doc_free(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class Item:
    """An epsos_item, borrowed from its document (never freed by itself)."""

    def __init__(self, doc, handle):
        self.doc = doc
        self._lib = doc._lib
        self._ih = handle

    def _h(self):
        if self.doc.closed:
            raise ValueError("the document of this libepsos item is closed")
        return self._ih

    def _check(self, rc, function):
        self.doc.ctx.check(rc, function)

    @property
    def kind(self):
        return self._lib.epsos_item_kind(self._h())

    @property
    def kind_name(self):
        return _s(self._lib.epsos_kind_name(self.kind))

    @property
    def path(self):
        return _s(self._lib.epsos_item_path(self._h()))

    @property
    def line(self):
        return self._lib.epsos_item_line(self._h())

    def count(self, field):
        n = c_size_t()
        self._check(self._lib.epsos_item_count(self._h(), field, byref(n)), "epsos_item_count")
        return n.value

    def child(self, field, index=0):
        h = item_p()
        self._check(self._lib.epsos_item_child(byref(h), self._h(), field, index),
                    "epsos_item_child")
        return Item(self.doc, h)

    def children(self, field):
        return [self.child(field, i) for i in range(self.count(field))]

    def add_child(self, field):
        h = item_p()
        self._check(self._lib.epsos_item_add_child(byref(h), self._h(), field),
                    "epsos_item_add_child")
        return Item(self.doc, h)

    def remove(self, field, index=0):
        self._check(self._lib.epsos_item_remove(self._h(), field, index), "epsos_item_remove")

    # Readers: strings are copied out at once (they are borrowed in C).
    def _get(self, name, field, index, nout):
        outs = [c_char_p() for _ in range(nout)]
        fn = getattr(self._lib, name)
        self._check(fn(self._h(), field, index, *[byref(o) for o in outs]), name)
        vals = tuple(_s(o.value) for o in outs)
        return vals[0] if nout == 1 else vals

    def get_text(self, field, index=0):
        return self._get("epsos_item_get_text", field, index, 1)

    def get_time(self, field, index=0):
        return self._get("epsos_item_get_time", field, index, 1)

    def get_code(self, field, index=0):
        """(code, code_system, display_name)"""
        return self._get("epsos_item_get_code", field, index, 3)

    def get_id(self, field, index=0):
        """(root, extension)"""
        return self._get("epsos_item_get_id", field, index, 2)

    def get_quantity(self, field, index=0):
        """(value, unit)"""
        return self._get("epsos_item_get_quantity", field, index, 2)

    def get_telecom(self, field, index=0):
        """(value, use)"""
        return self._get("epsos_item_get_telecom", field, index, 2)

    def texts(self, field):
        return [self.get_text(field, i) for i in range(self.count(field))]

    # Writers: index < count replaces, index == count appends.
    def _set(self, name, field, index, *values):
        fn = getattr(self._lib, name)
        self._check(fn(self._h(), field, index, *[_b(v) for v in values]), name)
        return self

    def set_text(self, field, text, index=0):
        return self._set("epsos_item_set_text", field, index, text)

    def set_time(self, field, value, index=0):
        return self._set("epsos_item_set_time", field, index, value)

    def set_code(self, field, code, code_system=None, display_name=None, index=0):
        return self._set("epsos_item_set_code", field, index, code, code_system, display_name)

    def set_id(self, field, root, extension=None, index=0):
        return self._set("epsos_item_set_id", field, index, root, extension)

    def set_quantity(self, field, value, unit=None, index=0):
        return self._set("epsos_item_set_quantity", field, index, value, unit)

    def set_telecom(self, field, value, use=None, index=0):
        return self._set("epsos_item_set_telecom", field, index, value, use)

    def translations(self, field, index=0):
        """The <translation>s of a coded field: [(code, code_system, display_name)]."""
        n = c_size_t()
        self._check(self._lib.epsos_item_translation_count(self._h(), field, index, byref(n)),
                    "epsos_item_translation_count")
        out = []
        for t in range(n.value):
            c, cs, dn = c_char_p(), c_char_p(), c_char_p()
            self._check(self._lib.epsos_item_get_translation(self._h(), field, index, t,
                                                             byref(c), byref(cs), byref(dn)),
                        "epsos_item_get_translation")
            out.append((_s(c.value), _s(cs.value), _s(dn.value)))
        return out

    def ed_from_ep(self, quantity=None, unit=None, flags=0):
        """Start an eDispensation answering this prescription item (a new Doc
        of the same context); quantity: packages, None for all prescribed."""
        h = doc_p()
        self._check(self._lib.epsos_ed_from_ep(byref(h), self._h(), _b(quantity), _b(unit),
                                               flags), "epsos_ed_from_ep")
        return Doc(self.doc.ctx, h)


class _Owned:
    """A handle created through a Context and freed by close() (or by the
    context's close(), before the context itself)."""

    _free = None

    def __init__(self, ctx, handle):
        self.ctx = ctx
        self._lib = ctx._lib
        self._h = handle
        ctx._docs.add(self)

    def _handle(self):
        if self._h is None:
            raise ValueError("libepsos %s is closed" % type(self).__name__)
        return self._h

    @property
    def closed(self):
        return self._h is None

    def close(self):
        if self._h is not None:
            getattr(self._lib, self._free)(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class Catalogue(_Owned):
    """An epsos_catalogue (immutable; lookups need no context)."""

    _free = "epsos_catalogue_free"

    def count(self, what):
        n = c_size_t()
        rc = self._lib.epsos_catalogue_count(self._handle(), what, byref(n))
        if rc != OK:
            raise Error(rc, function="epsos_catalogue_count")
        return n.value

    def transcode_code(self, system, code, value_set=None):
        """National (system, code) -> MVC (system, code, display), or None."""
        s, c, d = c_char_p(), c_char_p(), c_char_p()
        rc = self._lib.epsos_catalogue_transcode(byref(s), byref(c), byref(d), self._handle(),
                                                 _b(system), _b(code), _b(value_set))
        if rc == ENOTFOUND:
            return None
        if rc != OK:
            raise Error(rc, function="epsos_catalogue_transcode")
        return _s(s.value), _s(c.value), _s(d.value)


class TermReport(_Owned):
    """An epsos_term_report: findings and statistics of transcode/translate."""

    _free = "epsos_term_report_free"

    def __init__(self, ctx):
        h = termreport_p()
        ctx.check(ctx._lib.epsos_term_report_new(byref(h), ctx._handle()),
                  "epsos_term_report_new")
        super().__init__(ctx, h)

    def findings(self):
        """[(code TERM_*, xpath, value_set, message)]"""
        lib, out = self._lib, []
        for i in range(lib.epsos_term_report_count(self._handle())):
            code = c_int32()
            xp, vs, msg = c_char_p(), c_char_p(), c_char_p()
            self.ctx.check(lib.epsos_term_report_finding(self._h, i, byref(code), byref(xp),
                                                         byref(vs), byref(msg)),
                           "epsos_term_report_finding")
            out.append((code.value, _s(xp.value), _s(vs.value), _s(msg.value)))
        return out

    def stat(self, what):
        n = c_size_t()
        self.ctx.check(self._lib.epsos_term_report_stat(self._handle(), what, byref(n)),
                       "epsos_term_report_stat")
        return n.value


class Signer(_Owned):
    """An epsos_signer (Context.signer_pem)."""

    _free = "epsos_signer_free"


class Verifier(_Owned):
    """An epsos_verifier with its trust store (Context.verifier)."""

    _free = "epsos_verifier_free"


class Trust(_Owned):
    """An immutable, shared epsos_trust (Context.trust).  A verifier keeps
    the store it was given: closing this handle drops the caller's part only."""

    _free = "epsos_trust_free"

    @property
    def count(self):
        """The number of certificates and CRLs."""
        return self._lib.epsos_trust_count(self._handle())


class AssertionBuilder(_Owned):
    """An epsos_assertion_builder (Context.assertion_builder)."""

    _free = "epsos_assertion_builder_free"

    def set(self, field, value):
        self.ctx.check(self._lib.epsos_assertion_builder_set(self._handle(), field, _b(value)),
                       "epsos_assertion_builder_set")
        return self

    def set_time(self, field, unix_seconds):
        self.ctx.check(self._lib.epsos_assertion_builder_set_time(self._handle(), field,
                                                                  unix_seconds),
                       "epsos_assertion_builder_set_time")
        return self

    def add_permission(self, code):
        self.ctx.check(self._lib.epsos_assertion_builder_add_permission(self._handle(),
                                                                        _b(code)),
                       "epsos_assertion_builder_add_permission")
        return self

    def sign(self, signer):
        """The signed assertion as XML bytes."""
        out = c_void_p()
        n = c_size_t()
        rc = self._lib.epsos_assertion_builder_sign(byref(out), byref(n), self._handle(),
                                                    signer._handle())
        try:
            self.ctx.check(rc, "epsos_assertion_builder_sign")
            return ctypes.string_at(out, n.value)
        finally:
            self._lib.epsos_free(out)


class Assertion(_Owned):
    """An epsos_assertion (Context.parse_assertion)."""

    _free = "epsos_assertion_free"

    def verify(self, verifier, unix_seconds=0, skew_seconds=60):
        """The verdict (SAML_OK or why not); message gives the details."""
        v = c_int32(-1)
        self.ctx.check(self._lib.epsos_assertion_verify(byref(v), self._handle(),
                                                        verifier._handle(), unix_seconds,
                                                        skew_seconds),
                       "epsos_assertion_verify")
        return v.value

    def access(self, transaction, trc=None):
        """Access decision for a transaction (TX_*): SAML_OK or why denied."""
        v = c_int32(-1)
        self.ctx.check(self._lib.epsos_access_decide(byref(v), self._handle(),
                                                     trc._handle() if trc else None,
                                                     transaction),
                       "epsos_access_decide")
        return v.value

    @property
    def message(self):
        return _s(self._lib.epsos_assertion_message(self._handle()))

    def get(self, field):
        """A text field (SAML_*), None when absent."""
        v = c_char_p()
        rc = self._lib.epsos_assertion_get(self._handle(), field, byref(v))
        if rc == ENOTFOUND:
            return None
        self.ctx.check(rc, "epsos_assertion_get")
        return _s(v.value)

    def permissions(self):
        out = []
        for i in range(self._lib.epsos_assertion_permission_count(self._handle())):
            v = c_char_p()
            self.ctx.check(self._lib.epsos_assertion_permission(self._h, i, byref(v)),
                           "epsos_assertion_permission")
            out.append(_s(v.value))
        return out


def verdict_name(verdict):
    return _s(load().epsos_saml_verdict_name(verdict))
