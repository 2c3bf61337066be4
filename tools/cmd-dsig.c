/*
 * epsos sign / epsos verify: XML signatures of the eHDSI profile.
 * SPDX-License-Identifier: MIT
 *
 *   epsos sign --key KEY.pem --cert CERT.pem [--chain CHAIN.pem] [--id ID] [-o OUT] FILE
 *   epsos sign --p12 FILE.p12 --pass-file F [--id ID] [-o OUT] FILE
 *   epsos verify --trust CA.pem [--trust ...] [--legacy] [--id ID] FILE
 *
 * Exit status: 0 signed / valid, 1 invalid signature (reason on stderr),
 * 2 usage error or an input that could not be read.
 * Only the public API of libepsos and the C library are used here.
 */
#define _POSIX_C_SOURCE 200809L

#include <epsos.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "cmdutil.h"





static int usage(const char *cmd, const char *text, const char *what, const char *arg)
{
    if (what) {
        fprintf(stderr, "epsos: %s: %s%s%s%s\n", cmd, what, arg ? " '" : "", arg ? arg : "",
                arg ? "'" : "");
        fprintf(stderr, "Try 'epsos %s --help'.\n", cmd);
        return EXIT_TROUBLE;
    }
    fputs(text, stdout);
    return EXIT_OK;
}



static const char sign_help[] =
    "Usage: epsos sign --key KEY.pem --cert CERT.pem [--chain CHAIN.pem] [--id ID] [-o OUT] FILE\n"
    "       epsos sign --p12 FILE.p12 --pass-file F [--id ID] [-o OUT] FILE\n"
    "Sign an XML document with the eHDSI XMLDSig profile (enveloped signature,\n"
    "exclusive C14N, SHA-256, RSA-SHA256 or ECDSA-SHA256 on P-256, X509 certificate).\n"
    "Without --id the whole document is signed (Reference URI=\"\", the signature\n"
    "last child of the root); with --id the element with that ID attribute\n"
    "(URI=\"#ID\", after saml:Issuer in a SAML assertion).\n"
    "\n"
    "  --key FILE         PEM private key (RSA or EC P-256, unencrypted)\n"
    "  --cert FILE        PEM certificate of the key\n"
    "  --chain FILE       PEM certificates written after it in KeyInfo\n"
    "  --p12 FILE         PKCS#12 key, certificate and chain instead\n"
    "  --pass-file F      the PKCS#12 password: the bytes of F (one final newline dropped)\n"
    "  --id ID            sign the element with this ID\n"
    "  -o, --output FILE  write to FILE (through FILE.tmp, then renamed)\n"
    "  -h, --help         show this help\n"
    "\n"
    "FILE \"-\" reads standard input.  Exit status: 0 signed, 2 usage error, an\n"
    "input that could not be read or a document that cannot be signed.\n";

int epsos_cmd_sign(int argc, char **argv)
{
    const char *key = NULL, *cert = NULL, *chain = NULL, *p12 = NULL, *passf = NULL,
               *id = NULL, *output = NULL, *file = NULL, *v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return usage("sign", sign_help, NULL, NULL);
        if (tool_is_opt(a, NULL, "--key")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--key"))) return usage("sign", NULL, "missing value of", a);
            key = v;
        } else if (tool_is_opt(a, NULL, "--cert")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--cert"))) return usage("sign", NULL, "missing value of", a);
            cert = v;
        } else if (tool_is_opt(a, NULL, "--chain")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--chain"))) return usage("sign", NULL, "missing value of", a);
            chain = v;
        } else if (tool_is_opt(a, NULL, "--p12")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--p12"))) return usage("sign", NULL, "missing value of", a);
            p12 = v;
        } else if (tool_is_opt(a, NULL, "--pass-file")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--pass-file"))) return usage("sign", NULL, "missing value of", a);
            passf = v;
        } else if (tool_is_opt(a, NULL, "--id")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--id"))) return usage("sign", NULL, "missing value of", a);
            id = v;
        } else if (tool_is_opt(a, "-o", "--output")) {
            if (!(v = tool_optval(argc, argv, &i, "-o", "--output"))) return usage("sign", NULL, "missing value of", a);
            output = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage("sign", NULL, "unknown option", a);
        } else if (file) {
            return usage("sign", NULL, "one FILE only, extra", a);
        } else {
            file = a;
        }
    }
    if (!file)
        return usage("sign", NULL, "missing FILE", NULL);
    if (p12 ? (key || cert || chain || !passf) : (!key || !cert || passf))
        return usage("sign", NULL, "give --key and --cert, or --p12 and --pass-file", NULL);
    if (output && tool_same_file(output, file))
        return usage("sign", NULL, "the output would overwrite the input", output);

    int status = EXIT_TROUBLE, rc;
    epsos_ctx *ctx = NULL;
    epsos_signer *signer = NULL;
    uint8_t *a = NULL, *b = NULL, *xml = NULL, *out = NULL;
    size_t al = 0, bl = 0, xl = 0, ol = 0;
    if (epsos_ctx_new(&ctx) != EPSOS_OK) {
        fprintf(stderr, "epsos: cannot create a context\n");
        return EXIT_TROUBLE;
    }
    if (p12) {
        if (!(a = tool_slurp(p12, &al)) || !(b = tool_slurp(passf, &bl)))
            goto done;
        if (bl && b[bl - 1] == '\n')
            bl--;
        if (bl && b[bl - 1] == '\r')
            bl--;
        rc = epsos_signer_new_pkcs12(&signer, ctx, a, al, b, bl);
        if (b)
            memset(b, 0, bl);
        if (rc != EPSOS_OK) {
            fprintf(stderr, "epsos: %s: %s\n", p12, epsos_ctx_errmsg(ctx));
            goto done;
        }
    } else {
        if (!(a = tool_slurp(key, &al)) || !(b = tool_slurp(cert, &bl)))
            goto done;
        rc = epsos_signer_new_pem(&signer, ctx, a, al, b, bl);
        memset(a, 0, al);
        if (rc != EPSOS_OK) {
            fprintf(stderr, "epsos: %s: %s\n", key, epsos_ctx_errmsg(ctx));
            goto done;
        }
        if (chain) {
            free(a);
            if (!(a = tool_slurp(chain, &al)))
                goto done;
            if (epsos_signer_add_chain_pem(signer, a, al) != EPSOS_OK) {
                fprintf(stderr, "epsos: %s: %s\n", chain, epsos_ctx_errmsg(ctx));
                goto done;
            }
        }
    }
    if (!(xml = tool_slurp(file, &xl)))
        goto done;
    if (epsos_xml_sign(&out, &ol, signer, xml, xl, id, EPSOS_DSIG_POS_DEFAULT) != EPSOS_OK) {
        int32_t line = epsos_ctx_errline(ctx);
        const char *loc = epsos_ctx_errloc(ctx);
        fprintf(stderr, "epsos: %s", file);
        if (line > 0)
            fprintf(stderr, ":%ld", (long)line);
        fprintf(stderr, ": %s", epsos_ctx_errmsg(ctx));
        if (loc && *loc)
            fprintf(stderr, " (at %s)", loc);
        fputc('\n', stderr);
        goto done;
    }
    status = tool_write_out(output, out, ol);
done:
    free(a);
    free(b);
    free(xml);
    epsos_free(out);
    epsos_signer_free(signer);
    epsos_ctx_free(ctx);
    return status;
}

static const char verify_help[] =
    "Usage: epsos verify --trust CA.pem [--trust ...] [--legacy] [--id ID] FILE\n"
    "Verify the XML signature of a document against the trust store: without\n"
    "--id the whole-document signature (URI=\"\", a child of the root), with --id\n"
    "the signature of the element with that ID.  Only the eHDSI profile is\n"
    "accepted; --legacy also accepts the RSA-SHA1 / SHA-1 signatures of epSOS.\n"
    "\n"
    "  --trust PATH       PEM trust anchors and CRLs: a file or a directory\n"
    "                     (repeatable, at least one)\n"
    "  --legacy           legacy epSOS mode (RSA-SHA1, SHA-1)\n"
    "  --id ID            verify the signature of the element with this ID\n"
    "  -h, --help         show this help\n"
    "\n"
    "A valid signature prints \"FILE: valid: XPATH signed by SUBJECT\".  Exit\n"
    "status: 0 valid, 1 invalid (\"FILE: invalid: REASON: message\" on standard\n"
    "error), 2 usage error or an input that could not be read or parsed.\n";

int epsos_cmd_verify(int argc, char **argv)
{
    const char *id = NULL, *file = NULL, *v;
    const char **trust = calloc((size_t)argc + 1, sizeof *trust);
    size_t ntrust = 0;
    int legacy = 0;
    if (!trust)
        return EXIT_TROUBLE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            free(trust);
            return usage("verify", verify_help, NULL, NULL);
        }
        int bad = 0;
        if (tool_is_opt(a, NULL, "--trust")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--trust")))
                bad = usage("verify", NULL, "missing value of", a);
            else
                trust[ntrust++] = v;
        } else if (tool_is_opt(a, NULL, "--id")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--id")))
                bad = usage("verify", NULL, "missing value of", a);
            else
                id = v;
        } else if (strcmp(a, "--legacy") == 0) {
            legacy = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            bad = usage("verify", NULL, "unknown option", a);
        } else if (file) {
            bad = usage("verify", NULL, "one FILE only, extra", a);
        } else {
            file = a;
        }
        if (bad) {
            free(trust);
            return bad;
        }
    }
    if (!file || !ntrust) {
        free(trust);
        return usage("verify", NULL, file ? "missing --trust" : "missing FILE", NULL);
    }
    int status = EXIT_TROUBLE;
    epsos_ctx *ctx = NULL;
    epsos_verifier *ver = NULL;
    epsos_dsig_result *res = NULL;
    uint8_t *xml = NULL;
    size_t xl = 0;
    if (epsos_ctx_new(&ctx) != EPSOS_OK || epsos_verifier_new(&ver, ctx) != EPSOS_OK) {
        fprintf(stderr, "epsos: cannot create a verifier\n");
        goto done;
    }
    for (size_t i = 0; i < ntrust; i++)
        if (epsos_verifier_add_trust(ver, trust[i]) != EPSOS_OK) {
            fprintf(stderr, "epsos: %s\n", epsos_ctx_errmsg(ctx));
            goto done;
        }
    if (legacy)
        epsos_verifier_set_flags(ver, EPSOS_VERIFY_LEGACY);
    if (!(xml = tool_slurp(file, &xl)))
        goto done;
    if (epsos_xml_verify(&res, ver, xml, xl, id) != EPSOS_OK) {
        int32_t line = epsos_ctx_errline(ctx);
        fprintf(stderr, "epsos: %s", file);
        if (line > 0)
            fprintf(stderr, ":%ld", (long)line);
        fprintf(stderr, ": %s\n", epsos_ctx_errmsg(ctx));
        goto done;
    }
    if (epsos_dsig_result_status(res) == EPSOS_DSIG_VALID) {
        printf("%s: valid: %s signed by %s\n", file, epsos_dsig_result_path(res),
               epsos_dsig_result_subject(res));
        status = EXIT_OK;
    } else {
        fprintf(stderr, "epsos: %s: invalid: %s: %s\n", file,
                epsos_dsig_reason_name(epsos_dsig_result_reason(res)),
                epsos_dsig_result_message(res));
        status = EXIT_INVALID;
    }
done:
    free(trust);
    free(xml);
    epsos_dsig_result_free(res);
    epsos_verifier_free(ver);
    epsos_ctx_free(ctx);
    return status;
}
