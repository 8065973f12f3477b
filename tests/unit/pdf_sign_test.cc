#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "archive/cms.h"
#include "archive/demo_cert.h"
#include "archive/pdf_sign.h"
#include "core/dates.h"
#include "helpers.h"
#include "print/pdf.h"

using namespace jp;
using jp::test::run_command;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {

std::string small_pdf() {
  PdfDoc doc("Проверка подписи", "Школа № 1", "тест");
  doc.set_date(2024, 5, 30);
  doc.new_page(false);
  doc.text(doc.left(), doc.top() - 20, PdfDoc::regular, 12, "Первая страница");
  doc.new_page(false);
  doc.text(doc.left(), doc.top() - 20, PdfDoc::regular, 12, "Последняя страница");
  return doc.finish("стр. ");
}

}  // namespace

TEST_CASE("sign: an embedded signature that pdfsig and qpdf accept, and our check agrees",
          "[sign]") {
  auto dir = temp_path("sign");
  fs::create_directories(dir);
  write_demo_signer((dir / "k.pem").string(), (dir / "c.pem").string());
  Signer signer((dir / "k.pem").string(), (dir / "c.pem").string());
  CHECK(signer.info().subject == "Демонстрационная подпись журнала");
  CHECK(signer.info().serial.size() >= 30);
  CHECK(signer.info().not_after - signer.info().not_before == 730);

  std::string pdf = small_pdf();
  long long when = time(nullptr);  // within the demo certificate's validity
  std::string signed_pdf = sign_pdf(pdf, signer, when, "100 100 300 160");
  // The unsigned document is kept byte for byte: an incremental update.
  REQUIRE(signed_pdf.compare(0, pdf.size(), pdf) == 0);
  // Deterministic: the same input and time give the same bytes.
  CHECK(sign_pdf(pdf, signer, when, "100 100 300 160") == signed_pdf);
  std::ofstream(dir / "s.pdf", std::ios::binary) << signed_pdf;

  std::string sig = run_command("pdfsig " + (dir / "s.pdf").string());
  INFO(sig);
  CHECK(sig.find("Signature is Valid.") != std::string::npos);
  CHECK(sig.find("Total document signed") != std::string::npos);
  CHECK(sig.find("ETSI.CAdES.detached") != std::string::npos);
  CHECK(run_command("qpdf --check " + (dir / "s.pdf").string()).rfind("0\n", 0) == 0);
  // Both pages are still there and the text reads.
  std::string text = run_command("pdftotext " + (dir / "s.pdf").string() + " -");
  CHECK(text.find("Последняя страница") != std::string::npos);

  auto ok = check_pdf_signature(signed_pdf, "");
  CHECK(ok.ok);
  CHECK(ok.signer.find("CN=Демонстрационная подпись журнала") != std::string::npos);
  CHECK(is_signed_copy(signed_pdf, pdf, signer));
  CHECK_FALSE(is_signed_copy(signed_pdf, pdf + " ", signer));
  auto trusted = check_pdf_signature(signed_pdf, slurp(dir / "c.pem"));
  INFO(trusted.problem);
  CHECK(trusted.ok);

  SECTION("one changed byte in the signed part is caught") {
    std::string bad = signed_pdf;
    size_t at = bad.find("Haru");
    REQUIRE(at != std::string::npos);
    bad[at] = 'h';
    auto r = check_pdf_signature(bad, "");
    CHECK_FALSE(r.ok);
    CHECK(r.problem == "the signature does not match the contents: changed after signing");
    std::ofstream(dir / "bad.pdf", std::ios::binary) << bad;
    CHECK(run_command("pdfsig " + (dir / "bad.pdf").string()).find("Signature is Valid.") ==
          std::string::npos);
  }
  SECTION("bytes appended after signing are caught") {
    auto r = check_pdf_signature(signed_pdf + "% more\n", "");
    CHECK_FALSE(r.ok);
    CHECK(r.problem.find("does not cover the whole file") != std::string::npos);
  }
  SECTION("a document without a signature is reported as such") {
    CHECK(check_pdf_signature(pdf, "").problem == "it has no embedded signature");
    CHECK_THROWS_WITH(timestamp_pdf(pdf, signer),
                      "cannot sign the PDF: it has no embedded signature");
  }
  SECTION("another CA does not vouch for the signer") {
    write_demo_signer((dir / "k2.pem").string(), (dir / "c2.pem").string());
    auto r = check_pdf_signature(signed_pdf, slurp(dir / "c2.pem"));
    CHECK_FALSE(r.ok);
    CHECK(r.problem.find("not trusted by --ca") != std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("sign: key and certificate problems name the file", "[sign]") {
  auto dir = temp_path("sign-bad");
  fs::create_directories(dir);
  write_demo_signer((dir / "k.pem").string(), (dir / "c.pem").string());
  write_demo_signer((dir / "k2.pem").string(), (dir / "c2.pem").string());
  std::ofstream(dir / "junk.pem") << "not a key\n";
  CHECK_THROWS_WITH(
      Signer((dir / "k.pem").string(), (dir / "c2.pem").string()),
      Catch::Contains((dir / "c2.pem").string() + " is not the certificate of the key"));
  CHECK_THROWS_WITH(Signer((dir / "junk.pem").string(), (dir / "c.pem").string()),
                    Catch::StartsWith((dir / "junk.pem").string() +
                                      ": expected an unencrypted private key in PEM"));
  CHECK_THROWS_WITH(
      Signer((dir / "k.pem").string(), (dir / "missing.pem").string()),
      Catch::Equals("cannot read the signing certificate " + (dir / "missing.pem").string() +
                    ": cannot read the file: No such file or directory"));
  fs::remove_all(dir);
}

TEST_CASE("sign: a GOST R 34.10-2012 key signs with Streebog, and a changed byte is caught",
          "[sign]") {
  auto dir = temp_path("sign-gost");
  fs::create_directories(dir);
  write_demo_signer((dir / "k.pem").string(), (dir / "c.pem").string(), 730, true);
  Signer signer((dir / "k.pem").string(), (dir / "c.pem").string());
  std::string pdf = small_pdf();
  long long when = time(nullptr);
  std::string signed_pdf = sign_pdf(pdf, signer, when, "100 100 300 160");
  auto ok = check_pdf_signature(signed_pdf, slurp(dir / "c.pem"));
  INFO(ok.problem);
  CHECK(ok.ok);
  CHECK(ok.signing_time == when);
  CHECK_FALSE(ok.time_stamped);
  CHECK(is_signed_copy(signed_pdf, pdf, signer));
  // The OIDs a GOST validator looks for: Streebog-256 and the 256-bit GOST key.
  std::ofstream(dir / "m.p7s", std::ios::binary) << signer.sign("manifest", when);
  std::string printed = run_command("openssl cms -engine gost -cmsout -print -inform DER -in " +
                                    (dir / "m.p7s").string() + " 2>&1");
  CHECK(printed.find("(1.2.643.7.1.1.2.2)") != std::string::npos);
  CHECK(printed.find("(1.2.643.7.1.1.1.1)") != std::string::npos);
  CHECK(check_detached("manifest", slurp(dir / "m.p7s"), slurp(dir / "c.pem")).ok);
  auto changed = check_detached("manifesT", slurp(dir / "m.p7s"), "");
  CHECK(changed.problem == "the signature does not match the contents: changed after signing");
  std::string bad = signed_pdf;
  bad[bad.find("Haru")] = 'h';
  CHECK(check_pdf_signature(bad, "").problem ==
        "the signature does not match the contents: changed after signing");
  fs::remove_all(dir);
}

TEST_CASE("sign: a signature made when the certificate was not valid fails the check", "[sign]") {
  auto dir = temp_path("sign-expired");
  fs::create_directories(dir);
  write_demo_signer((dir / "k.pem").string(), (dir / "c.pem").string(), 30);
  Signer signer((dir / "k.pem").string(), (dir / "c.pem").string());
  long long later = time(nullptr) + 90LL * 86400;  // the certificate expired 60 days before
  auto r = check_pdf_signature(sign_pdf(small_pdf(), signer, later, ""), "");
  CHECK_FALSE(r.ok);
  CHECK(r.problem.rfind("the signer's certificate was not valid at " + utc_text(later) +
                            " (the signing time it claims; it is valid from ",
                        0) == 0);
  fs::remove_all(dir);
}

TEST_CASE("sign: revocation data goes into the /DSS; a file that is none is named", "[sign]") {
  auto dir = temp_path("sign-dss");
  fs::create_directories(dir);
  write_demo_signer((dir / "k.pem").string(), (dir / "c.pem").string());
  SignerOptions o;
  o.key.key = (dir / "k.pem").string();
  o.cert = (dir / "c.pem").string();
  o.crls = {(dir / "c.pem").string()};
  CHECK_THROWS_WITH(Signer(o), (dir / "c.pem").string() +
                                   ": expected a certificate revocation list (PEM -----BEGIN "
                                   "X509 CRL----- or DER)");
  o.crls.clear();
  o.ocsps = {(dir / "c.pem").string()};
  CHECK_THROWS_WITH(Signer(o), (dir / "c.pem").string() +
                                   ": expected an OCSP response in DER (openssl ocsp -respout)");
  // Without a TSA or revocation data, no /DSS: the document is as before.
  Signer plain((dir / "k.pem").string(), (dir / "c.pem").string());
  CHECK(plain.validation().certs.empty());
  CHECK(sign_pdf(small_pdf(), plain, time(nullptr), "").find("/DSS") == std::string::npos);
  fs::remove_all(dir);
}

namespace {

/// A self-signed certificate valid from `from_days` to `until_days` around now, with the
/// key usage `usage` (none if empty).
std::unique_ptr<X509, decltype(&X509_free)> test_certificate(long from_days, long until_days,
                                                             const char* usage) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), until_days * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  if (*usage) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_key_usage, usage);
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert.get(), key.get(), EVP_sha256());
  return cert;
}

std::string problem_of(long from_days, long until_days, const char* usage, std::string* warning) {
  return certificate_use_problem(test_certificate(from_days, until_days, usage).get(),
                                 std::time(nullptr), warning);
}

std::string day_text(long days_from_now) {
  std::time_t t = std::time(nullptr) + days_from_now * 86400;
  return format_utc_iso(t).substr(0, 10);
}

}  // namespace

TEST_CASE("sign: a certificate that cannot sign now is refused before any work", "[sign]") {
  std::string warning;
  CHECK(problem_of(-10, 365, "critical,digitalSignature,nonRepudiation", &warning) == "");
  CHECK(warning == "");
  CHECK(problem_of(-10, 365, "", &warning) == "");  // no key usage: no restriction
  CHECK(problem_of(-400, -35, "digitalSignature", &warning) ==
        "the certificate expired on " + day_text(-35) +
            ": signatures made with it now are invalid (`verify` would fail the archive); renew "
            "it with the certification authority and sign with the new one");
  CHECK(problem_of(2, 400, "digitalSignature", &warning).rfind(
            "the certificate is not valid yet: from " + day_text(2) + " (it would sign at ", 0) ==
        0);
  CHECK(problem_of(-10, 365, "keyEncipherment,dataEncipherment", &warning) ==
        "the certificate's key usage allows neither digitalSignature nor nonRepudiation: it is "
        "not a signing certificate");
  CHECK(problem_of(-10, 365, "nonRepudiation", &warning) == "");
  warning.clear();
  CHECK(problem_of(-300, 12, "digitalSignature", &warning) == "");
  CHECK(warning == "the signing certificate expires on " + day_text(12) +
                       ", in less than 30 days: renew it");
  // The Signer refuses an expired certificate with the file's name, and warns for one
  // about to expire.
  auto dir = temp_path("sign-use");
  fs::create_directories(dir);
  write_demo_signer((dir / "k.pem").string(), (dir / "c.pem").string(), 10);
  Signer soon((dir / "k.pem").string(), (dir / "c.pem").string());
  REQUIRE(soon.warnings().size() == 1);
  CHECK(soon.warnings()[0] == "warning: " + (dir / "c.pem").string() +
                                  ": the signing certificate expires on " + day_text(10) +
                                  ", in less than 30 days: renew it");
  fs::remove_all(dir);
}
