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
 * uint32_t are int, int64_t and uint64_t are long, int is int, int32_t * is
 * IntByReference; (const uint8_t *, size_t) buffers are byte[] and SizeT.  Strings cross as UTF-8
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
import com.sun.jna.ptr.IntByReference;
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
    int F_SERVICE_START = 16, F_SERVICE_END = 17, F_PARENT_DOCUMENT_ID = 18, F_ORDER_ID = 19,
        F_SIGNATURE_CODE = 33, F_CLASS_CODE = 34, F_SECTION = 48, F_STATUS = 50, F_START = 51,
        F_END = 52, F_VALUE = 53, F_MEDICATION = 55, F_ALLERGY = 56, F_PROBLEM = 57,
        F_OBSERVATION = 60, F_AGENT = 61, F_REACTION = 62, F_SEVERITY = 63, F_CRITICALITY = 64,
        F_PRODUCT_NAME = 70, F_DOSE_FORM = 71, F_ATC = 72, F_INGREDIENT = 73,
        F_STRENGTH_NUMERATOR = 74, F_STRENGTH_DENOMINATOR = 75, F_SUBSTANCE = 76, F_ROUTE = 77,
        F_DOSE = 78, F_FREQUENCY = 79, F_PACKAGE_QUANTITY = 82, F_PACKAGE_FORM = 83,
        F_QUANTITY = 97, F_EVENT = 103, F_INSTRUCTIONS = 104, F_PRESCRIPTION = 105,
        F_DISPENSE = 106, F_PRODUCT = 107, F_PACKAGES = 108, F_SUBSTITUTION = 109,
        F_DOSE_LOW = 110, F_DOSE_HIGH = 111, F_FULFILMENT_INSTRUCTIONS = 112,
        F_PRESCRIPTION_ID = 115, F_DISPENSER = 117, F_FREQUENCY_TIME = 118;

    /* item kinds (doc.h) */
    int KIND_HEADER = 1, KIND_PS_MEDICATION_SECTION = 11, KIND_PS_ALLERGIES_SECTION = 12,
        KIND_PS_PROBLEMS_SECTION = 13, KIND_PS_SURGERIES_SECTION = 14,
        KIND_PS_DEVICES_SECTION = 15, KIND_EP_SECTION = 48, KIND_ED_SECTION = 49,
        KIND_PRESCRIPTION = 50, KIND_DISPENSE = 51, KIND_PRODUCT = 52;
    /* ps.h, ep.h, validate.h */
    int ABSENT_NO_INFO = 1, ABSENT_NO_KNOWN = 2;
    int ED_SUBSTITUTED = 1;
    int SEV_ERROR = 1, SEV_WARNING = 2, SEV_INFO = 3;
    /* term.h */
    int CAT_VALUE_SETS = 1, CAT_MEMBERS = 2, CAT_CONCEPTS = 3, CAT_MAPPINGS = 4,
        CAT_DESIGNATIONS = 5, CAT_ALIASES = 6;
    int TERM_NO_MAPPING = 1, TERM_NOT_IN_VALUE_SET = 2, TERM_NULL_REQUIRED = 3,
        TERM_NO_DESIGNATION = 4, TERM_UNKNOWN_VALUE_SET = 5, TERM_BAD_UNIT = 6,
        TERM_NO_CONCEPT = 7;
    int TERM_STAT_VISITED = 1, TERM_STAT_TRANSCODED = 2, TERM_STAT_TRANSLATED = 3,
        TERM_STAT_MISSING = 4;
    int TERM_STRICT = 1;
    /* saml.h */
    int ASSERTION_HCP = 1, ASSERTION_TRC = 2, ASSERTION_LEGACY = 1;
    int SAML_ID = 1, SAML_ISSUER = 2, SAML_NAME_ID = 3, SAML_NAME_ID_FORMAT = 4,
        SAML_AUDIENCE = 5, SAML_AUTHN_CLASS = 6, SAML_SUBJECT_ID = 7, SAML_ROLE = 8,
        SAML_ROLE_NAME = 9, SAML_ORGANIZATION = 10, SAML_ORGANIZATION_ID = 11,
        SAML_FACILITY_TYPE = 12, SAML_PURPOSE = 13, SAML_LOCALITY = 14, SAML_ON_BEHALF_OF = 15,
        SAML_HCP_ID_REF = 16, SAML_PRESCRIPTION_ID = 17, SAML_DISPENSATION_PIN = 18;
    int SAML_ISSUE_INSTANT = 1, SAML_NOT_BEFORE = 2, SAML_NOT_ON_OR_AFTER = 3,
        SAML_AUTHN_INSTANT = 4;
    int SAML_OK = 0;
    int TX_IDENTIFY_PATIENT = 1, TX_RETRIEVE_PS = 2, TX_RETRIEVE_EP = 3, TX_SUBMIT_ED = 4,
        TX_DISCARD_ED = 5, TX_SUBMIT_CONSENT = 6;

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
    int epsos_item_get_quantity(Pointer item, int field, SizeT index, PointerByReference value,
                                PointerByReference unit);
    int epsos_item_set_quantity(Pointer item, int field, SizeT index, String value, String unit);
    int epsos_item_set_telecom(Pointer item, int field, SizeT index, String value, String use);
    int epsos_item_translation_count(Pointer item, int field, SizeT index, SizeTByReference out);
    int epsos_item_get_translation(Pointer item, int field, SizeT index, SizeT tindex,
                                   PointerByReference code, PointerByReference codeSystem,
                                   PointerByReference displayName);

    /* Patient Summary (ps.h), dispensing (ep.h), validation (validate.h) */
    int epsos_doc_add_section(PointerByReference out, Pointer doc, int kind);
    int epsos_ps_set_absent(PointerByReference out, Pointer doc, int sectionKind, int absent);
    int epsos_doc_complete(Pointer doc, int flags);
    int epsos_ed_from_ep(PointerByReference out, Pointer prescription, String quantity,
                         String unit, int flags);
    int epsos_validate(PointerByReference out, Pointer ctx, Pointer doc, int options);
    void epsos_report_free(Pointer report);
    SizeT epsos_report_count(Pointer report, int severity);
    int epsos_report_severity(Pointer report, SizeT index);
    String epsos_report_rule(Pointer report, SizeT index);
    String epsos_report_message(Pointer report, SizeT index);
    String epsos_report_xpath(Pointer report, SizeT index);
    int epsos_report_line(Pointer report, SizeT index);

    /* terminology (term.h) */
    int epsos_catalogue_builder_new(PointerByReference out, Pointer ctx);
    int epsos_catalogue_builder_add_file(Pointer builder, String path);
    int epsos_catalogue_builder_finish(PointerByReference out, Pointer builder);
    void epsos_catalogue_builder_free(Pointer builder);
    int epsos_catalogue_open(PointerByReference out, Pointer ctx, String path);
    void epsos_catalogue_free(Pointer catalogue);
    int epsos_catalogue_count(Pointer catalogue, int what, SizeTByReference out);
    int epsos_term_report_new(PointerByReference out, Pointer ctx);
    void epsos_term_report_free(Pointer report);
    SizeT epsos_term_report_count(Pointer report);
    int epsos_term_report_finding(Pointer report, SizeT index, IntByReference code,
                                  PointerByReference xpath, PointerByReference valueSet,
                                  PointerByReference message);
    int epsos_term_report_stat(Pointer report, int what, SizeTByReference out);
    int epsos_transcode(Pointer doc, Pointer catalogue, int flags, Pointer report);
    int epsos_translate(Pointer doc, Pointer catalogue, String lang, int flags, Pointer report);

    /* signatures (dsig.h) and assertions (saml.h); int64_t is long */
    int epsos_signer_new_pem(PointerByReference out, Pointer ctx, byte[] key, SizeT keyLen,
                             byte[] cert, SizeT certLen);
    int epsos_signer_add_chain_pem(Pointer signer, byte[] data, SizeT len);
    void epsos_signer_free(Pointer signer);
    int epsos_verifier_new(PointerByReference out, Pointer ctx);
    int epsos_verifier_add_trust(Pointer verifier, String path);
    void epsos_verifier_free(Pointer verifier);
    int epsos_verifier_set_trust(Pointer verifier, Pointer trust);
    int epsos_trust_new(PointerByReference out, Pointer ctx, String path);
    int epsos_trust_new_pem(PointerByReference out, Pointer ctx, byte[] data, SizeT len);
    SizeT epsos_trust_count(Pointer trust);
    void epsos_trust_free(Pointer trust);
    int epsos_assertion_builder_new(PointerByReference out, Pointer ctx, int kind);
    int epsos_assertion_builder_set(Pointer builder, int field, String value);
    int epsos_assertion_builder_set_time(Pointer builder, int field, long unixSeconds);
    int epsos_assertion_builder_add_permission(Pointer builder, String code);
    int epsos_assertion_builder_sign(PointerByReference out, SizeTByReference outLen,
                                     Pointer builder, Pointer signer);
    void epsos_assertion_builder_free(Pointer builder);
    int epsos_assertion_parse(PointerByReference out, Pointer ctx, byte[] xml, SizeT len,
                              int kind, int flags);
    int epsos_assertion_verify(IntByReference verdict, Pointer assertion, Pointer verifier,
                               long unixSeconds, int skewSeconds);
    String epsos_assertion_message(Pointer assertion);
    int epsos_assertion_get(Pointer assertion, int field, PointerByReference value);
    SizeT epsos_assertion_permission_count(Pointer assertion);
    int epsos_assertion_permission(Pointer assertion, SizeT index, PointerByReference code);
    void epsos_assertion_free(Pointer assertion);
    int epsos_access_decide(IntByReference verdict, Pointer hcp, Pointer trc, int transaction);
    String epsos_saml_verdict_name(int verdict);

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
