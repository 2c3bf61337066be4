/*
 * libepsos - a JNA mapping of the C API (Debian: libjna-java).
 * SPDX-License-Identifier: MIT
 *
 * Compile and run (no native code to build):
 *   javac -cp /usr/share/java/jna.jar Epsos.java Demo.java
 *   java -cp /usr/share/java/jna.jar:. Demo FOREIGN.xml [OUT.xml]
 * The library is libepsos.so.1 (by SONAME, as installed by libepsos1), or
 * the file named by the environment variable EPSOS_LIB.
 *
 * Mapping: handles (epsos_ctx *, epsos_doc *, epsos_item *) are Pointer;
 * handle out-parameters (T **) and borrowed string out-parameters
 * (const char **) are PointerByReference; size_t is SizeT, whose width is
 * Native.SIZE_T_SIZE (8 bytes on 64-bit Linux, 4 on 32-bit: neither int nor
 * NativeLong is right everywhere); size_t * is SizeTByReference; int32_t and
 * uint32_t are int, uint64_t is long, int is int.  Strings cross as UTF-8
 * whatever the JVM's default charset (utf8Strings() below).
 */
import com.sun.jna.DefaultTypeMapper;
import com.sun.jna.FromNativeContext;
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ToNativeContext;
import com.sun.jna.TypeConverter;
import com.sun.jna.ptr.ByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

public interface Epsos extends Library {

    String SONAME = "libepsos.so.1";

    Epsos LIB = load();

    /* String arguments as NUL-terminated UTF-8 and String results decoded
     * as UTF-8.  OPTION_STRING_ENCODING alone is not enough: JNA 5.13 (Debian
     * 12) converts String *arguments* with the JVM default charset, so that
     * "Novák" would reach the library as "Nov?k" in the C locale. */
    static DefaultTypeMapper utf8Strings() {
        DefaultTypeMapper m = new DefaultTypeMapper();
        m.addTypeConverter(String.class, new TypeConverter() {
            @Override public Object toNative(Object value, ToNativeContext context) {
                if (value == null)
                    return null;
                byte[] b = ((String) value).getBytes(StandardCharsets.UTF_8);
                Memory mem = new Memory(b.length + 1L);   // freed by the GC after the call
                mem.write(0, b, 0, b.length);
                mem.setByte(b.length, (byte) 0);
                return mem;
            }
            @Override public Object fromNative(Object value, FromNativeContext context) {
                return value == null ? null : ((Pointer) value).getString(0, "UTF-8");
            }
            @Override public Class<?> nativeType() { return Pointer.class; }
        });
        return m;
    }

    static Epsos load() {
        String path = System.getenv("EPSOS_LIB");
        Map<String, Object> options = new HashMap<>();
        options.put(Library.OPTION_STRING_ENCODING, "UTF-8");
        options.put(Library.OPTION_TYPE_MAPPER, utf8Strings());
        return Native.load(path != null && !path.isEmpty() ? path : SONAME, Epsos.class, options);
    }

    /* --- size_t ---------------------------------------------------------- */

    final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;
        public SizeT() { this(0); }
        public SizeT(long value) { super(Native.SIZE_T_SIZE, value, true); }
    }

    final class SizeTByReference extends ByReference {
        public SizeTByReference() { this(0); }
        public SizeTByReference(long value) { super(Native.SIZE_T_SIZE); setValue(value); }
        public void setValue(long value) {
            if (Native.SIZE_T_SIZE == 8) getPointer().setLong(0, value);
            else getPointer().setInt(0, (int) value);
        }
        public long getValue() {
            return Native.SIZE_T_SIZE == 8 ? getPointer().getLong(0)
                                           : getPointer().getInt(0) & 0xFFFFFFFFL;
        }
    }

    /* --- constants (include/epsos/*.h; values fixed forever) ------------- */

    int OK = 0, ERROR = -1, ENOMEM = -2, EINVAL = -3, EPARSE = -4, ENOTCDA = -5,
        ELIMIT = -6, EUNSAFE = -7, ENOTFOUND = -8, ETYPE = -9, EVALUE = -10, EIO = -11;

    int DOC_UNKNOWN = 0, DOC_PS = 1, DOC_EP = 2, DOC_ED = 3, DOC_PS_L1 = 4, DOC_EP_L1 = 5;
    int GEN_UNKNOWN = 0, GEN_EPSOS = 1, GEN_EHDSI = 2;
    int LIMIT_MAX_BYTES = 1, LIMIT_MAX_DEPTH = 2, LIMIT_MAX_ATTRIBUTES = 3;
    int SERIALIZE_FORMAT = 1;

    int F_ID = 1, F_CODE = 2, F_TITLE = 3, F_EFFECTIVE_TIME = 4, F_CONFIDENTIALITY = 5,
        F_LANGUAGE = 6, F_SET_ID = 7, F_VERSION_NUMBER = 8, F_TEMPLATE_ID = 9, F_REALM = 10,
        F_PATIENT = 11, F_AUTHOR = 12, F_CUSTODIAN = 13, F_LEGAL_AUTHENTICATOR = 14,
        F_CONTACT = 15, F_NAME = 20, F_ADDRESS = 21, F_TELECOM = 22, F_GENDER = 23,
        F_BIRTH_TIME = 24, F_FUNCTION_CODE = 27, F_TIME = 28, F_ORGANIZATION = 29,
        F_FAMILY = 35, F_GIVEN = 36, F_CITY = 43, F_COUNTRY = 46, F_ORGANIZATION_NAME = 47;

    /* --- functions ------------------------------------------------------- */

    int epsos_init();
    String epsos_version_string();
    int epsos_version_number();
    String epsos_strerror(int status);
    void epsos_free(Pointer ptr);

    int epsos_ctx_new(PointerByReference out);
    void epsos_ctx_free(Pointer ctx);
    int epsos_ctx_errcode(Pointer ctx);
    String epsos_ctx_errmsg(Pointer ctx);
    String epsos_ctx_errloc(Pointer ctx);
    int epsos_ctx_errline(Pointer ctx);
    void epsos_ctx_clear_error(Pointer ctx);
    int epsos_ctx_set_limit(Pointer ctx, int limit, long value);
    int epsos_ctx_get_limit(Pointer ctx, int limit, LongByReference out);

    int epsos_doc_parse(PointerByReference out, Pointer ctx, byte[] data, SizeT len, int flags);
    int epsos_doc_parse_file(PointerByReference out, Pointer ctx, String path, int flags);
    int epsos_doc_new(PointerByReference out, Pointer ctx, int kind);
    int epsos_doc_serialize(PointerByReference out, SizeTByReference outLen, Pointer doc, int flags);
    int epsos_doc_save(Pointer doc, String path, int flags);
    void epsos_doc_free(Pointer doc);
    int epsos_doc_kind(Pointer doc);
    int epsos_doc_generation(Pointer doc);
    int epsos_doc_header(PointerByReference out, Pointer doc);

    String epsos_doc_kind_name(int kind);
    String epsos_generation_name(int generation);
    String epsos_kind_name(int kind);
    String epsos_field_name(int field);

    int epsos_item_kind(Pointer item);
    String epsos_item_path(Pointer item);
    int epsos_item_line(Pointer item);
    int epsos_item_count(Pointer item, int field, SizeTByReference out);
    int epsos_item_child(PointerByReference out, Pointer item, int field, SizeT index);
    int epsos_item_add_child(PointerByReference out, Pointer item, int field);
    int epsos_item_remove(Pointer item, int field, SizeT index);

    int epsos_item_get_text(Pointer item, int field, SizeT index, PointerByReference text);
    int epsos_item_get_code(Pointer item, int field, SizeT index, PointerByReference code,
                            PointerByReference codeSystem, PointerByReference displayName);
    int epsos_item_get_id(Pointer item, int field, SizeT index, PointerByReference root,
                          PointerByReference extension);
    int epsos_item_get_time(Pointer item, int field, SizeT index, PointerByReference value);

    int epsos_item_set_text(Pointer item, int field, SizeT index, String text);
    int epsos_item_set_code(Pointer item, int field, SizeT index, String code,
                            String codeSystem, String displayName);
    int epsos_item_set_id(Pointer item, int field, SizeT index, String root, String extension);
    int epsos_item_set_time(Pointer item, int field, SizeT index, String value);

    /* --- helpers ---------------------------------------------------------- */

    /** A failed call: the status and the context's message, XPath and line. */
    final class EpsosException extends Exception {
        private static final long serialVersionUID = 1L;
        public final int status;
        public final String function, message, location;
        public final int line;

        EpsosException(String function, int status, String message, String location, int line) {
            super(function + ": " + message + " (" + LIB.epsos_strerror(status) + ")"
                  + (location.isEmpty() ? "" : " at " + location)
                  + (line > 0 ? ", line " + line : ""));
            this.function = function;
            this.status = status;
            this.message = message;
            this.location = location;
            this.line = line;
        }
    }

    /** Throws EpsosException when status is not OK, with ctx's details. */
    static void check(Pointer ctx, int status, String function) throws EpsosException {
        if (status != OK)
            throw new EpsosException(function, status, LIB.epsos_ctx_errmsg(ctx),
                                     LIB.epsos_ctx_errloc(ctx), LIB.epsos_ctx_errline(ctx));
    }

    /** A borrowed const char * out-parameter as a Java string (null stays null). */
    static String string(PointerByReference ref) {
        Pointer p = ref.getValue();
        return p == null ? null : p.getString(0, "UTF-8");
    }

    /** A context; close() frees it (free its documents first). */
    final class Context implements AutoCloseable {
        public final Pointer handle;
        public Context() throws EpsosException {
            PointerByReference out = new PointerByReference();
            int rc = LIB.epsos_ctx_new(out);
            if (rc != OK)
                throw new EpsosException("epsos_ctx_new", rc, LIB.epsos_strerror(rc), "", 0);
            handle = out.getValue();
        }
        private boolean closed;
        @Override public void close() {
            if (!closed) { closed = true; LIB.epsos_ctx_free(handle); }
        }
    }

    /** A document; close() frees it and every item borrowed from it. */
    final class Document implements AutoCloseable {
        public final Pointer handle, ctx;
        public Document(Pointer ctx, Pointer handle) { this.ctx = ctx; this.handle = handle; }
        public static Document parseFile(Context c, String path) throws EpsosException {
            PointerByReference out = new PointerByReference();
            check(c.handle, LIB.epsos_doc_parse_file(out, c.handle, path, 0), "epsos_doc_parse_file");
            return new Document(c.handle, out.getValue());
        }
        public static Document create(Context c, int kind) throws EpsosException {
            PointerByReference out = new PointerByReference();
            check(c.handle, LIB.epsos_doc_new(out, c.handle, kind), "epsos_doc_new");
            return new Document(c.handle, out.getValue());
        }
        public Pointer header() throws EpsosException {
            PointerByReference out = new PointerByReference();
            check(ctx, LIB.epsos_doc_header(out, handle), "epsos_doc_header");
            return out.getValue();
        }
        public byte[] serialize(int flags) throws EpsosException {
            PointerByReference out = new PointerByReference();
            SizeTByReference len = new SizeTByReference();
            int rc = LIB.epsos_doc_serialize(out, len, handle, flags);
            try {
                check(ctx, rc, "epsos_doc_serialize");
                return out.getValue().getByteArray(0, Math.toIntExact(len.getValue()));
            } finally {
                LIB.epsos_free(out.getValue());
            }
        }
        private boolean closed;
        @Override public void close() {
            if (!closed) { closed = true; LIB.epsos_doc_free(handle); }
        }
    }

    static String utf8(byte[] b) { return new String(b, StandardCharsets.UTF_8); }
}
