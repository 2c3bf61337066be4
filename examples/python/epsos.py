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
                    c_size_t, c_uint32, c_uint64, c_void_p)

__all__ = ["Error", "Context", "Doc", "Item", "F", "load", "version",
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


ctx_p = POINTER(_Ctx)
doc_p = POINTER(_Doc)
item_p = POINTER(_Item)
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

    def close(self):
        if self._h is not None:
            for doc in list(self._docs):     # documents first, then the context
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
