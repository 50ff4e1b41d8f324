"""Loading libkam and what the binding's modules share: errors, the ctx, callbacks."""
import ctypes
import ctypes.util
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load():
    candidates = []
    env = os.environ.get("KAM_LIBRARY")
    if env:
        candidates.append(env)
    candidates += [os.path.join(_HERE, "libkam.so.0"), os.path.join(_HERE, "libkam.so")]
    found = ctypes.util.find_library("kam")
    if found:
        candidates.append(found)
    candidates += ["libkam.so.0", "libkam.so"]
    errors = []
    for c in candidates:
        try:
            return ctypes.CDLL(c)
        except OSError as e:
            errors.append("%s: %s" % (c, e))
    raise ImportError("cannot load libkam (set KAM_LIBRARY to its path): " + "; ".join(errors))


lib = _load()

c_int, c_int32, c_uint32, c_int64 = ctypes.c_int, ctypes.c_int32, ctypes.c_uint32, ctypes.c_int64
c_double, c_size_t, c_char_p, c_void_p = ctypes.c_double, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p
POINTER, byref = ctypes.POINTER, ctypes.byref


def fn(name, restype, *argtypes):
    """Declares lib.name with its C signature and returns it."""
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


# Status codes (kam/common.h).
KAM_OK, KAM_EINVAL, KAM_ENOMEM, KAM_EOVERFLOW, KAM_EPARSE = 0, -1, -2, -3, -4
KAM_ENOSOLUTION, KAM_ENOCONV, KAM_ESTATE, KAM_ENOTFOUND, KAM_EEXIST, KAM_ELIMIT = -5, -6, -7, -8, -9, -10


class KamError(Exception):
    """A libkam error: .status is the KAM_E* code, .message the ctx message (or strerror)."""

    def __init__(self, status, message=""):
        self.status = status
        self.message = message or _strerror(status).decode()
        super().__init__(self.message)


class InvalidArgument(KamError, ValueError): pass
class OutOfMemory(KamError, MemoryError): pass
class Overflow(KamError, OverflowError): pass
class ParseError(KamError, ValueError): pass
class NoSolution(KamError, ArithmeticError): pass
class NoConvergence(KamError, ArithmeticError): pass
class IncompleteState(KamError): pass
class NotFound(KamError, LookupError): pass
class AlreadyExists(KamError): pass
class LimitReached(KamError): pass
class CallbackError(KamError): pass


_ERRORS = {KAM_EINVAL: InvalidArgument, KAM_ENOMEM: OutOfMemory, KAM_EOVERFLOW: Overflow,
           KAM_EPARSE: ParseError, KAM_ENOSOLUTION: NoSolution, KAM_ENOCONV: NoConvergence,
           KAM_ESTATE: IncompleteState, KAM_ENOTFOUND: NotFound, KAM_EEXIST: AlreadyExists,
           KAM_ELIMIT: LimitReached}

_strerror = fn("kam_strerror", c_char_p, c_int)
version_string = fn("kam_version", c_char_p)
_ctx_new = fn("kam_ctx_new", c_int, POINTER(c_void_p), c_void_p, c_void_p)
_ctx_free = fn("kam_ctx_free", None, c_void_p)
_ctx_errmsg = fn("kam_ctx_errmsg", c_char_p, c_void_p)
_ctx_clear_error = fn("kam_ctx_clear_error", None, c_void_p)
_ctx_set_threads = fn("kam_ctx_set_threads", c_int, c_void_p, ctypes.c_uint)


def set_threads(ctx_ptr, threads, owner):
    """kam_ctx_set_threads on a raw ctx pointer; owner's errmsg() words the error."""
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise TypeError("threads must be an int, not %s" % type(threads).__name__)
    if not 0 <= threads <= 0xFFFFFFFF:  # the library words the rest (1..64)
        raise error(KAM_EINVAL, "kam_ctx_set_threads: %d threads is outside 1..64" % threads)
    check(_ctx_set_threads(ctx_ptr, threads), owner)


def error(status, message=""):
    """The KamError subclass instance for a status."""
    return _ERRORS.get(status, CallbackError)(status, message)


def check(status, ctx=None, message=""):
    """Raises the KamError for status unless it is KAM_OK."""
    if status != KAM_OK:
        if ctx is not None and not message:
            message = ctx.errmsg()
        raise error(status, message)
    return status


class Owner:
    """The one lifetime mechanism of the binding: a kam_ctx and the native handles made in it
    (a Portfolio and its Segmentations, a DMU, a Template, a Proposal, a temporary value tree).

    Only an Owner frees native memory, and it frees the handles (the last made first) before
    the ctx whose allocator they use. One finalizer for all of them on purpose: in a garbage
    cycle Python finalizes objects in no given order (PEP 442), so a finalizer per object could
    free the ctx before a handle made from it. The binding objects that use an owner count
    themselves in (use / leave, as Lua's userdata do): the memory goes when the last of them
    closes, or when the owner is collected. So a Segmentation keeps working after its Portfolio
    is closed, and a DMU closed while a Proposal borrows it (C only borrows it) stays in memory
    until the Proposal lets go."""

    def __init__(self):
        self.ptr = c_void_p()
        self._handles = []   # [c_void_p, free] in the order made
        self._users = 1      # the object that made the owner
        check(_ctx_new(byref(self.ptr), None, None))

    def errmsg(self):
        return _ctx_errmsg(self.ptr).decode("utf-8", "replace")

    def clear_error(self):
        """Forgets the last error message (kam_ctx_clear_error)."""
        _ctx_clear_error(self.ptr)

    def set_threads(self, threads):
        """The most threads a call on this ctx may use, 1 to 64 (kam_ctx_set_threads)."""
        set_threads(self.ptr, threads, self)

    def hold(self, free):
        """A NULL handle for a constructor's out-parameter, freed by free(handle) with the rest."""
        handle = c_void_p()
        self._handles.append([handle, free])
        return handle

    def drop(self, handle):
        """Frees one handle now (a Segmentation closed before its Portfolio)."""
        for i, (h, free) in enumerate(self._handles):
            if h is handle:
                del self._handles[i]
                if h.value:
                    free(h)
                    h.value = None
                return

    def use(self):
        self._users += 1
        return self

    def leave(self):
        self._users -= 1
        if self._users <= 0:
            self.close()

    def close(self):
        """Frees every handle and the ctx now."""
        handles = getattr(self, "_handles", [])
        while handles:
            h, free = handles.pop()
            if h.value:
                free(h)
                h.value = None
        if getattr(self, "ptr", None) and self.ptr.value:
            _ctx_free(self.ptr)
            self.ptr.value = None

    def __del__(self):
        self.close()


class Closable:
    """close(), with, and the closed check shared by every binding object: self._owner (an
    Owner it uses) and self._handle (its native handle); _what names it in the error."""
    _what = "object"
    _open = True

    @property
    def _ptr(self):
        """The native handle; raises InvalidArgument once the object is closed."""
        if not self._open or not self._handle.value:
            raise error(KAM_EINVAL, "the %s has been closed" % self._what)
        return self._handle

    @property
    def _closed(self):
        return not self._open or not self._handle.value

    def close(self):
        """Lets go of the native object now (it is freed once nothing else uses it; also done
        when the object is collected); any later call raises InvalidArgument. Closing twice is
        fine. The object is also a context manager that closes it."""
        if self._open and hasattr(self, "_owner"):
            self._open = False
            self._let_go()

    def _let_go(self):
        self._owner.leave()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


WRITE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t)
READ_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, POINTER(c_size_t))


class Collector:
    """A kam_write_fn that collects bytes: pass .cb and None as (write, ud); then .bytes()."""

    def __init__(self):
        self.parts = []
        self.cb = WRITE_FN(self._write)

    def _write(self, ud, buf, n):
        self.parts.append(ctypes.string_at(buf, n))
        return 0

    def bytes(self):
        return b"".join(self.parts)

    def text(self):
        return self.bytes().decode("utf-8")


class Reader:
    """A kam_read_fn over a binary file object or bytes; exceptions become status 1 and are
    re-raised by .reraise() after the call."""

    def __init__(self, source):
        if isinstance(source, (bytes, bytearray, memoryview)):
            import io
            source = io.BytesIO(bytes(source))
        self.f = source
        self.exc = None
        self.cb = READ_FN(self._read)

    def _read(self, ud, buf, cap, nread):
        try:
            data = self.f.read(cap)
            if isinstance(data, str):
                data = data.encode("utf-8")
            ctypes.memmove(buf, data, len(data))
            nread[0] = len(data)
            return 0
        except BaseException as e:  # must not unwind through C
            self.exc = e
            return 1

    def reraise(self):
        if self.exc is not None:
            e, self.exc = self.exc, None
            raise e


def text_out(f, *args):
    """Calls f(buf, cap, &len, *args), a C function under the text-into-a-caller's-buffer
    contract (kam/common.h), growing the buffer once on KAM_ELIMIT. Returns (status, text);
    text is "" unless the status is KAM_OK."""
    need = c_size_t(0)
    buf = ctypes.create_string_buffer(256)
    rc = f(buf, len(buf), byref(need), *args)
    if rc == KAM_ELIMIT:
        buf = ctypes.create_string_buffer(need.value + 1)
        rc = f(buf, len(buf), byref(need), *args)
    return rc, (buf.value.decode("utf-8") if rc == KAM_OK else "")


def text(s, what):
    """The binding's one conversion of text for a NUL-terminated const char *: None stays None;
    str is encoded as UTF-8 (a lone surrogate keeps its bytes, so the library reports the text as
    not UTF-8, naming it); bytes-like stays as it is. An embedded NUL raises InvalidArgument
    naming `what` (C would end the text there); any other type raises TypeError."""
    data, _ = text_len(s, what)
    if data is not None and b"\0" in data:
        raise error(KAM_EINVAL, "%s contains a NUL character" % what)
    return data


def text_len(s, what="text"):
    """The same conversion for a (const char *, size_t) pair: (bytes, length); NULs pass, the
    length carries them. None gives (None, 0)."""
    if s is None:
        return None, 0
    if isinstance(s, str):
        s = s.encode("utf-8", "surrogatepass")
    elif isinstance(s, (bytes, bytearray, memoryview)):
        s = bytes(s)
    else:
        raise TypeError("%s must be a str or bytes, not %s" % (what, type(s).__name__))
    return s, len(s)
