#include "app/commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <filesystem>
#include <iostream>

#include "app/build.h"
#include "app/config.h"
#include "app/guards.h"
#include "app/export.h"
#include "app/import.h"
#include "app/nightly.h"
#include "app/region.h"
#include "app/run_record.h"
#include "archive/demo_cert.h"
#include "archive/signing_key.h"
#include "archive/verify.h"
#include "core/dates.h"
#include "core/keys.h"
#include "core/text.h"
#include "sample/sample.h"

// A build leaves its journal, index and committed writer to the operating system at exit
// (BuildContext::exit_after), except where leaks are checked: gcc says so with
// __SANITIZE_ADDRESS__, clang with __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define JP_LEAKS_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define JP_LEAKS_CHECKED 1
#endif
#endif
namespace {
#ifdef JP_LEAKS_CHECKED
constexpr bool kLeaksChecked = true;
#else
constexpr bool kLeaksChecked = false;
#endif
}  // namespace

namespace jp {

std::string check_base_url(const std::string& url) {
  // The address is printed in letters and QR codes that parents open: a javascript: or
  // data: address there would run in their browser. Only http(s), with a host, and no
  // characters that would break out of the CSV cell or the letter's line.
  auto scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  for (auto& c : scheme) c = char(std::tolower(static_cast<unsigned char>(c)));
  bool ok = (scheme == "http" || scheme == "https") && url.size() > scheme_end + 3 &&
            url[scheme_end + 3] != '/';
  for (unsigned char c : url) ok = ok && c > 0x20 && c < 0x7f && c != '"' && c != '\\';
  if (ok) return {};
  return "expected an http:// or https:// address such as https://school.example/diary/, got " +
         quoted_for_message(url);
}

namespace {

/// The command line: each command's options (filled by CLI11), and what runs them.
class Cli {
 public:
  Cli()
      : app{"journalpress: publishes a Russian school's electronic class journal as parents' "
            "diaries,\nsigned PDF archives and printed weekly extracts.",
            "journalpress"} {
    app.set_version_flag("--version", std::string("journalpress ") + JOURNALPRESS_VERSION);
    app.require_subcommand(1);
    app.footer(
        "Run `journalpress COMMAND --help` for the options of a command. The manual:\n"
        "/usr/share/doc/journalpress/manual.md (installed by the package), docs/manual.md in the "
        "source.");
    add_import();
    add_export();
    add_sample();
    add_build();
    add_keygen();
    add_revoke();
    add_verify();
    add_archive_copy();
    add_nightly();
    add_config();
    add_region();
  }

  /// Every problem a run of this configuration would meet, in words: the file's keys and
  /// values (all at once), then, if those are right, paths that overlap and loose secrets.
  std::vector<std::string> problems_of(const std::string& file, Config* out = nullptr) {
    std::vector<std::string> problems;
    Config cfg = read_config(file, config_keys(settable()), &problems);
    for (CLI::App* cmd : {import, build, nightly}) apply_config(cfg, *cmd, {}, &problems);
    if (problems.empty()) {
      try {
        std::vector<PathSetting> paths = import_paths(imp, file);
        for (auto& p : build_paths(bld, ""))
          if (p.setting != "db") paths.push_back(std::move(p));
        if (const ConfigSetting* to = cfg.find("publish.to"))
          paths.push_back({"publish.to", to->values[0], PathSetting::Role::replaced});
        check_paths(paths);
        check_secret_modes(secret_paths(bld), allow_shared_keys);
      } catch (const std::exception& e) {
        problems.push_back(fmt::format("{}: {}", file, e.what()));
      }
    }
    if (out) *out = std::move(cfg);
    return problems;
  }

  /// `region check`'s line for one school: its problems, or empty.
  std::string region_problem(const std::string& file) {
    try {
      Config cfg;
      std::vector<std::string> problems = problems_of(file, &cfg);
      for (const char* key : {"input", "db", "out"})
        if (!cfg.find(key)) problems.push_back(fmt::format("nightly needs `{}`", key));
      std::string all;
      for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
      return all;
    } catch (const std::exception& e) {
      return e.what();
    }
  }

  int run(int argc, char** argv) {
    if (int rc = parse(argc, argv); rc >= 0) return rc;
    if (config_check->parsed()) return check();
    if (nightly->parsed()) return run_nightly_recorded();
    if (region_check->parsed())
      return run_region_check(
          region_dir, [](const std::string& f) { return Cli().region_problem(f); }, std::cout);
    if (region_status->parsed()) {
      if (region.status.empty()) region.status = region.dir + "/status";
      if (region.out.empty()) region.out = region.status;
      return run_region_status(region, std::cout);
    }
    if (import->parsed()) {
      check_paths(import_paths(imp, import_config));
      return run_import(imp, std::cout, std::cerr);
    }
    if (export_->parsed()) return run_export(exp, std::cout, std::cerr);
    if (sample->parsed()) return run_sample(smp, std::cout);
    if (build->parsed()) {
      bld.command = command_line;
      check_paths(build_paths(bld, build_config));
      for (const auto& w : check_secret_modes(secret_paths(bld), allow_shared_keys))
        std::cerr << w << "\n";
      // Under AddressSanitizer or LeakSanitizer, free everything: leaks are checked.
      bld.exit_after = !kLeaksChecked;
      return run_build(bld, std::cout);
    }
    if (revoke->parsed()) return run_revoke(rev, std::cout);
    if (verify->parsed()) return run_verify(ver, std::cout);
    if (archive_copy->parsed()) return run_archive_copy(cpy, std::cout);
    if (keygen->parsed()) return make_keys();
    return 0;
  }

 private:
  CLI::App app;
  ImportOptions imp;
  ExportOptions exp;
  SampleOptions smp;
  BuildOptions bld;
  RevokeOptions rev;
  VerifyOptions ver;
  ArchiveCopyOptions cpy;
  std::string import_config, build_config, nightly_config, check_config;
  std::string key_dir, log_format = "text", nightly_today, command_line, status_file, region_dir;
  RegionStatusOptions region;
  bool key_force = false, key_gost = false, quiet = false, allow_shared_keys = false;
  double nightly_wait = 0;
  int nightly_threads = -1;
  CLI::App *import = nullptr, *sample = nullptr, *build = nullptr, *keygen = nullptr,
           *revoke = nullptr, *verify = nullptr, *archive_copy = nullptr, *nightly = nullptr,
           *config_check = nullptr, *region_check = nullptr, *region_status = nullptr,
           *export_ = nullptr;

  /// The file's keys are the options of these commands (app/config.h).
  std::vector<const CLI::App*> settable() const { return {import, build, nightly}; }
  Config read_school_config(const std::string& file) const {
    return read_config(file, config_keys(settable()));
  }

  /// The paths a run is given, for check_paths: an import's export, database and file.
  static std::vector<PathSetting> import_paths(const ImportOptions& o, const std::string& config) {
    using Role = PathSetting::Role;
    std::vector<PathSetting> p;
    for (const auto& in : o.inputs) p.push_back({"input", in, Role::read});
    p.push_back({"db", o.db, Role::file});
    p.push_back({"--config", config, Role::read});
    return p;
  }
  /// A key given as a file (not a token's URI or an engine's key id).
  static bool key_is_file(const BuildOptions& o) {
    return o.sign_engine.empty() && o.sign_key.rfind("pkcs11:", 0) != 0;
  }
  static std::vector<PathSetting> build_paths(const BuildOptions& o, const std::string& config) {
    using Role = PathSetting::Role;
    std::vector<PathSetting> p = {{"db", o.db, Role::file},
                                  {"out", o.out, Role::output},
                                  {"site-key", o.site_key, Role::read},
                                  {"sign-cert", o.sign_cert, Role::read},
                                  {"sign-chain", o.sign_chain, Role::read},
                                  {"pin-file", o.pin_file, Role::read},
                                  {"tsa-ca", o.tsa_ca, Role::read},
                                  {"--config", config, Role::read}};
    if (key_is_file(o)) p.push_back({"sign-key", o.sign_key, Role::read});
    for (const auto& f : o.crls) p.push_back({"crl", f, Role::read});
    for (const auto& f : o.ocsps) p.push_back({"ocsp", f, Role::read});
    return p;
  }
  /// The files whose content is a secret: the site key, a signing key file, the PIN file.
  static std::vector<PathSetting> secret_paths(const BuildOptions& o) {
    using Role = PathSetting::Role;
    std::vector<PathSetting> p = {{"site-key", o.site_key, Role::read},
                                  {"pin-file", o.pin_file, Role::read}};
    if (key_is_file(o)) p.push_back({"sign-key", o.sign_key, Role::read});
    return p;
  }

  void add_import() {
    import = app.add_subcommand(
        "import",
        "Check journal data in the journalpress/1 format and load it into the database.\n"
        "All or nothing: on any error the database is left exactly as it was.");
    // PATH, --db, --out: required, but they may come from --config (checked after it is read).
    import
        ->add_option("PATH", imp.inputs,
                     "journalpress/1 .json files or folders of them; or the tabular profile: "
                     "a folder of .csv files, .csv files, an .xlsx workbook")
        ->check(CLI::ExistingPath);
    import
        ->add_option("--format", imp.format,
                     "the inputs' format: auto (detected and said), json, tabular, oneroster")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "json", "tabular", "oneroster"}));
    import
        ->add_option("--encoding", imp.encoding,
                     "CSV files' encoding: auto (UTF-8, else Windows-1251), utf-8, windows-1251")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "utf-8", "windows-1251"}));
    import->add_option("--db", imp.db, "SQLite database to load into (created if missing)");
    import->add_option("--config", import_config,
                       "the school's configuration file (TOML): settings the command line does "
                       "not give (`input` is PATH)");
    import
        ->add_option("--max-errors", imp.max_errors,
                     "print at most this many errors (all are counted)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    import
        ->add_option("--warnings-per-kind", imp.warnings_per_kind,
                     "print at most this many warnings of each kind (all are stored)")
        ->capture_default_str();
    import->add_option("--threads", imp.threads, "parser threads (0: one per core)")
        ->capture_default_str();
    import->add_flag("--allow-shrink", imp.allow_shrink,
                     "accept an import that drops more than 10% of the stored year's students, "
                     "lessons, marks, attendance entries or final marks");
    import->add_flag("--timings", imp.timings, "print the time of each phase of the import");
    import->add_flag("--accept-older", imp.accept_older,
                     "accept an export older than the stored one (its exported_at), or one "
                     "without exported_at over one that had it: marks may go back");
  }

  void add_export() {
    export_ = app.add_subcommand(
        "export",
        "Write a stored journal out in the tabular profile: a folder of CSV files (one per "
        "kind of record),\nor with --xlsx one workbook; `import` of it gives back the same "
        "journal. The same journal\nalways gives the same bytes.");
    export_->add_option("--db", exp.db, "database made by `journalpress import`")
        ->check(CLI::ExistingFile);
    export_->add_flag("--template", exp.template_only,
                      "write DIR/template.xlsx instead: the empty workbook to fill in by hand "
                      "(every table's header, drop-down lists, a journal grid sheet)");
    export_->add_option("--out", exp.out, "folder to write into (made if missing)")->required();
    export_->add_option("--format", exp.format,
                        "tabular (CSV files, or --xlsx), or oneroster (a OneRoster 1.2 bulk set, "
                        "with the tabular files for what it cannot carry)")
        ->capture_default_str()
        ->check(CLI::IsMember({"tabular", "oneroster"}));
    export_->add_flag("--xlsx", exp.xlsx, "one workbook, DIR/journal.xlsx, instead of CSV files");
    export_->add_option("--school", exp.school, "the school's id, when the database holds several");
    export_->add_option("--year", exp.year, "the year's label, when the database holds several");
  }

  void add_sample() {
    sample =
        app.add_subcommand("sample",
                           "Write a deterministic synthetic journal in the journalpress/1 format.\n"
                           "The same options give byte-identical files.");
    sample->add_option("--out", smp.out, "directory to write the .json files into")->required();
    sample->add_option("--students", smp.students, "about how many students")
        ->capture_default_str()
        ->check(CLI::Range(10, 20000));
    sample->add_option("--seed", smp.seed, "random seed")->capture_default_str();
    sample->add_option(
        "--until", smp.until,
        "cut the year after this date, YYYY-MM-DD (lessons, marks and final marks up to it)");
  }

  void add_build() {
    build = app.add_subcommand(
        "build",
        "Publish a dataset of the database: the parents' diary site (DIR/site/), the signed\n"
        "archive (DIR/archive/<year>/), the printed extracts (DIR/extracts/<week>/), the\n"
        "access letters (DIR/letters/) and, with --reports, the staff's audit reports\n"
        "(DIR/reports/). Only changed files are written; a failed build leaves\n"
        "the published outputs as they were.");
    build->add_option("--db", bld.db, "database made by `journalpress import`");
    build->add_option("--out", bld.out, "output folder (site/, private/ are made inside)");
    build->add_option("--config", build_config,
                      "the school's configuration file (TOML): settings the command line does "
                      "not give");
    build->add_option("--site-key", bld.site_key, "site key file (made by `journalpress keygen`)");
    build->add_flag("--site", bld.site, "build the diary site (with no output flag: every output)");
    build->add_flag("--archive", bld.archive,
                    "build the signed archive: summary sheets, class journals, school summary, "
                    "Excel copies, MANIFEST.sha256");
    build->add_option("--sign-key", bld.sign_key,
                      "the archive's signing key: a PEM file (RSA, EC or GOST R 34.10-2012), a "
                      "PKCS#11 URI of a key on a token (pkcs11:token=LABEL;object=LABEL), or the "
                      "key's id for --sign-engine");
    build->add_option("--sign-cert", bld.sign_cert, "the signing key's certificate (PEM)");
    build->add_option("--sign-chain", bld.sign_chain,
                      "intermediate certificates to embed with the signatures (PEM)");
    build->add_option("--pkcs11-module", bld.pkcs11_module,
                      std::string("the token's PKCS#11 module, for a pkcs11: --sign-key "
                                  "(default: p11-kit's proxy, ") +
                          kDefaultPkcs11Module + ")");
    build->add_option("--pin-file", bld.pin_file,
                      "file whose first line is the token's PIN (default: the environment "
                      "variable JOURNALPRESS_PIN; never on the command line)");
    build->add_option("--sign-engine", bld.sign_engine,
                      "an OpenSSL engine (id, or path of its .so) that holds the key, e.g. a "
                      "token vendor's engine for GOST keys; --sign-key is then the key's id");
    build->add_option("--tsa", bld.tsa,
                      "an RFC 3161 time-stamping authority (http://...): every signature gets "
                      "a trusted time stamp and each PDF the validation data (PAdES B-T, B-LT)");
    build
        ->add_option("--tsa-timeout", bld.tsa_timeout,
                     "seconds to wait for each time stamp before the build fails")
        ->capture_default_str()
        ->check(CLI::Range(1, 600));
    build->add_option("--tsa-ca", bld.tsa_ca,
                      "the CA certificates (PEM) that vouch for the --tsa's certificate");
    build->add_option("--crl", bld.crls,
                      "a CRL of the signer's chain (PEM or DER) to embed in each PDF's /DSS "
                      "(repeatable)");
    build->add_option("--ocsp", bld.ocsps,
                      "an OCSP response (DER) about the signer's certificate to embed in each "
                      "PDF's /DSS (repeatable)");
    build->add_flag("--extracts", bld.extracts,
                    "build the printed extracts (default: last complete week, students with a "
                    "paper guardian)");
    build->add_option("--week", bld.week, "extracts for an ISO week, e.g. 2024-W12");
    build->add_option("--from", bld.from,
                      "extracts or reports from this date, YYYY-MM-DD (with --to)");
    build->add_option("--to", bld.to,
                      "extracts or reports up to this date, YYYY-MM-DD (with --from)");
    build->add_option("--class", bld.classes, "extracts for this class id only (repeatable)");
    build->add_option("--student", bld.students, "extracts for this student id (repeatable)");
    build->add_flag("--all", bld.all,
                    "extracts for every student, not only paper deliveries; letters for every "
                    "address, not only those never printed");
    build->add_flag("--a5", bld.a5, "two A5 extracts per A4 sheet");
    build->add_flag("--letters", bld.letters,
                    "build the access letters to electronic guardians (needs --base-url)");
    build->add_flag("--reports", bld.reports,
                    "build the audit reports for staff in DIR/reports/ (owner-only; default: each "
                    "class's current reporting period up to --today)");
    build->add_option("--period", bld.period,
                      "reports for this reporting period id (e.g. q2), the whole period");
    build
        ->add_option("--absence-threshold", bld.absence_threshold,
                     "reports: list students who missed more than PERCENT of their lessons")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str();
    build->add_option(
        "--today", bld.today,
        "the school's date to build for, YYYY-MM-DD (default: today in the school's time zone)");
    build
        ->add_option("--base-url", bld.base_url,
                     "public address of site/, for the addresses in private/access.csv")
        ->check(CLI::Validator([](std::string& url) { return check_base_url(url); }, "http(s) URL",
                               "HTTP_URL"));
    build
        ->add_option("--site-mode", bld.site_mode,
                     "plain: family pages at f/<token>/; encrypted: each page encrypted under a "
                     "key only the family's address carries (after #), opened in the browser "
                     "(docs/site.md)")
        ->check(CLI::IsMember({"plain", "encrypted"}))
        ->capture_default_str();
    build
        ->add_option("--site-feeds", bld.site_feeds,
                     "each family's calendar.ics and feed.atom: auto (plain mode only: in "
                     "encrypted mode the web host could read them), on, off")
        ->check(CLI::IsMember({"auto", "on", "off"}))
        ->capture_default_str();
    build->add_option("--school", bld.school, "school id, when the database holds several");
    build->add_option("--year", bld.year,
                      "year label (2023/2024), when the database holds several");
    build->add_flag("--dry-run", bld.dry_run, "render everything in memory, write nothing");
    build->add_flag("--allow-any-date", bld.allow_any_date,
                    "accept a --today outside the school year of the dataset");
    build->add_flag("--full", bld.full,
                    "render every site page and archive document, even those whose inputs did "
                    "not change (compares every site file with the disk)");
    build->add_flag("--timings", bld.timings, "print the time of each phase of the build");
    build
        ->add_option("--wait", bld.wait_seconds,
                     "if another run is building into --out, wait up to SECONDS for it (default: "
                     "refuse at once, naming it)")
        ->check(CLI::Range(0.0, 86400.0));
    build->add_option("--threads", bld.threads, "render threads (0: one per core)")
        ->capture_default_str();
    build->add_flag("--allow-shared-keys", allow_shared_keys,
                    "accept a site key, signing key or PIN file readable by its group or others "
                    "(default: refused, as ssh refuses a loose private key)");
  }

  void add_keygen() {
    keygen = app.add_subcommand(
        "keygen",
        "Make the secrets a build needs, those that are missing: DIR/site.key (the key of the "
        "family\n"
        "addresses) and a demonstration signing key and self-signed certificate "
        "(DIR/sign.key.pem,\n"
        "DIR/sign.cert.pem).");
    keygen
        ->add_option("--out", key_dir,
                     "folder for the secrets (keep it outside the published output)")
        ->required();
    keygen->add_flag("--force", key_force,
                     "replace existing secrets (every family address changes)");
    keygen->add_flag("--gost", key_gost,
                     "make the demonstration signing key a GOST R 34.10-2012 key (256 bits) "
                     "with a GOST-signed certificate");
  }

  void add_revoke() {
    revoke = app.add_subcommand(
        "revoke",
        "Revoke a guardian's diary address (after a reported breach): the next build\n"
        "removes the old area and publishes a new address.");
    revoke->add_option("GUARDIAN_ID", rev.guardian, "the guardian's id in the journal")->required();
    revoke->add_option("--db", rev.db, "the database")->required();
    revoke->add_option("--school", rev.school, "school id, when the database holds several");
    revoke->add_option("--year", rev.year, "year label, when the database holds several");
  }

  void add_verify() {
    verify = app.add_subcommand(
        "verify",
        "Check an archive: every file against MANIFEST.sha256 (changed, added, removed), the\n"
        "manifest's signature and every PDF's embedded signature. Exits 1 on any problem.");
    verify
        ->add_option("DIR", ver.dir,
                     "an archive year folder, or a folder of them (e.g. out/archive)")
        ->required();
    verify->add_option("--ca", ver.ca,
                       "trusted certificates (PEM): also check that they vouch for the signer");
    verify->add_option(
        "--expect-signer", ver.expect_signer,
        "the certificate (PEM file) or its SHA-256 fingerprint that must have signed "
        "the manifest and every PDF");
    verify->add_option("--tsa-ca", ver.tsa_ca,
                       "trusted time-stamping authorities' CA certificates (PEM): check the "
                       "time stamps' signers too");
  }

  void add_archive_copy() {
    archive_copy = app.add_subcommand(
        "archive-copy",
        "Copy a verified archive to each destination (a second carrier) and verify each copy.");
    archive_copy->add_option("DIR", cpy.dir, "an archive year folder, or a folder of them")
        ->required();
    archive_copy->add_option("DEST", cpy.destinations, "destination folders")->required();
    archive_copy->add_option("--ca", cpy.ca, "trusted certificates (PEM), as for verify");
    archive_copy->add_option("--expect-signer", cpy.expect_signer,
                             "the signer's certificate or SHA-256 fingerprint, as for verify");
    archive_copy->add_option("--tsa-ca", cpy.tsa_ca,
                             "trusted time-stamping authorities (PEM), as for verify");
  }

  void add_nightly() {
    nightly = app.add_subcommand(
        "nightly",
        "What the school's timer runs: import the latest export (`input`), build every configured\n"
        "output for the school's today, publish the site to `publish.to` (a folder, or HOST:PATH\n"
        "over ssh), print one summary line. Exit codes: 0 done, 1 the input was refused (nothing\n"
        "built or published), 2 an environment failure.");
    nightly->add_option("--config", nightly_config, "the school's configuration file (TOML)")
        ->required();
    nightly->add_option("--today", nightly_today,
                        "the school's date to build for, YYYY-MM-DD (a rerun; default: today in "
                        "the school's time zone)");
    nightly
        ->add_option("--wait", nightly_wait,
                     "if another run holds the output folder, wait up to SECONDS for it")
        ->check(CLI::Range(0.0, 86400.0));
    nightly
        ->add_option("--log-format", log_format,
                     "text (a report per step; progress on a terminal) or json (one JSON line per "
                     "step, for journald or a log collector)")
        ->capture_default_str()
        ->check(CLI::IsMember({"text", "json"}));
    nightly->add_flag("--quiet", quiet, "print only the summary line (and errors)");
    nightly->add_option("--threads", nightly_threads,
                        "parser and render threads (default: the file's `threads`, else one per "
                        "core; under a batch scheduler, the CPUs it granted)");
    nightly->add_option("--status-file", status_file,
                        "write the run's record there at its end, whatever happened (JSON; "
                        "`region status` collects them)");
  }

  void add_config() {
    CLI::App* config = app.add_subcommand("config", "Check a school's configuration file.");
    config->require_subcommand(1);
    config_check = config->add_subcommand(
        "check",
        "Read the configuration file, check every key, type, file and value as the commands\n"
        "would, and print the effective settings (secrets masked).");
    config_check->add_option("--config", check_config, "the configuration file (TOML)")->required();
  }

  void add_region() {
    CLI::App* r = app.add_subcommand(
        "region",
        "A region's schools: one configuration file per school in a folder (docs/region.md).");
    r->require_subcommand(1);
    region_check = r->add_subcommand(
        "check",
        "Check every school's configuration (DIR/*.toml) as `config check` does: one "
        "line per school; exit 1 if any is broken.");
    region_check->add_option("DIR", region_dir, "the region's folder of SCHOOL.toml files")
        ->required();
    region_status = r->add_subcommand(
        "status",
        "Collect each school's record of its last nightly run (`nightly --status-file`) into\n"
        "region-status.json and region-status.html (owner-only); exit 1 if any school failed.");
    region_status->add_option("DIR", region.dir, "the region's folder of SCHOOL.toml files")
        ->required();
    region_status->add_option("--status", region.status,
                              "the folder of the runs' records, SCHOOL.json each (default: "
                              "DIR/status)");
    region_status->add_option("--out", region.out,
                              "where to write region-status.json and .html (default: --status)");
  }

  /// Parses the command line and the configuration file it names; an exit code when the
  /// run ends here (help, an error), otherwise -1.
  int parse(int argc, char** argv) {
    // CLI11 would say only "A subcommand is required" for a misspelt command.
    std::string names;
    bool known = false;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      known = known || (argc > 1 && sub->get_name() == argv[1]);
    }
    if (argc > 1 && argv[1][0] != '-' && !known) {
      std::cerr << "journalpress: unknown command \"" << argv[1]
                << "\"; the commands are: " << names
                << ".\nRun `journalpress --help` for more information.\n";
      return 2;
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e);
    }
    for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
    try {
      if (import->parsed() && !import_config.empty())
        apply_config(read_school_config(import_config), *import);
      if (build->parsed() && !build_config.empty()) {
        // The output flags choose together: `build --config F --site` builds the site only,
        // whatever outputs the file names.
        std::vector<std::string> skip;
        for (const char* flag : {"--site", "--archive", "--extracts", "--letters", "--reports"})
          if (build->get_option(flag)->count() > 0)
            skip = {"site", "archive", "extracts", "letters", "reports"};
        apply_config(read_school_config(build_config), *build, skip);
      }
      if (import->parsed() && imp.inputs.empty()) throw CLI::RequiredError("PATH");
      if (import->parsed() && imp.db.empty()) throw CLI::RequiredError("--db");
      if (export_->parsed() && exp.db.empty() && !exp.template_only)
        throw CLI::RequiredError("--db");
      if (build->parsed() && bld.db.empty()) throw CLI::RequiredError("--db");
      if (build->parsed() && bld.out.empty()) throw CLI::RequiredError("--out");
    } catch (const CLI::ParseError& e) {
      return app.exit(e);
    }
    return -1;
  }

  int check() {
    // Every problem of the file at once: an administrator fixes them in one go, not one per run.
    Config cfg;
    std::vector<std::string> problems = problems_of(check_config, &cfg);
    if (!problems.empty()) {
      for (const auto& p : problems) std::cerr << p << "\n";
      std::cerr << fmt::format(
          "journalpress: error: {}: {} {}; nightly cannot run with these settings\n", check_config,
          problems.size(), problems.size() == 1 ? "problem" : "problems");
      return 2;
    }
    std::cout << describe_settings(cfg, settable());
    std::string missing;
    for (const char* key : {"input", "db", "out"})
      if (!cfg.find(key)) missing += fmt::format("{}{}", missing.empty() ? "" : ", ", key);
    std::cout << (missing.empty() ? "\n# nightly can run with these settings\n"
                                  : "\n# nightly would need: " + missing + "\n");
    return 0;
  }

  /// nightly, and its record in --status-file whatever happens, also when the
  /// configuration itself is refused (a region's status must not show an older run).
  int run_nightly_recorded() {
    try {
      return run_nightly_command();
    } catch (const std::exception& e) {
      if (!status_file.empty()) {
        RunRecord r;
        r.config = nightly_config;
        r.started = r.finished = utc_now_iso();
        r.exit = 2, r.status = "failed", r.step = "configuration", r.message = e.what();
        try {
          write_run_record(status_file, r);
        } catch (const std::exception&) {  // the error below is what matters
        }
      }
      throw;
    }
  }

  int run_nightly_command() {
    // Given on nightly's command line, --today and --wait override the file's.
    bool today_given = nightly->get_option("--today")->count() > 0;
    bool wait_given = nightly->get_option("--wait")->count() > 0;
    Config cfg = read_school_config(nightly_config);
    for (CLI::App* cmd : {import, build, nightly}) apply_config(cfg, *cmd);
    NightlyOptions n;
    n.config_file = nightly_config;
    n.import = imp;
    n.build = bld;
    if (today_given) n.build.today = nightly_today;
    if (wait_given) n.build.wait_seconds = nightly_wait;
    if (nightly_threads >= 0) n.import.threads = n.build.threads = unsigned(nightly_threads);
    for (const char* key : {"input", "db", "out"})
      if (!cfg.find(key))
        throw std::runtime_error(fmt::format("{}: nightly needs `{}` ({})", nightly_config, key,
                                             std::string(key) == "input"
                                                 ? "the export folder to import"
                                             : std::string(key) == "db" ? "the journal database"
                                                                        : "the output folder"));
    n.build.command = command_line;
    if (const ConfigSetting* s = cfg.find("publish.to")) n.publish.to = s->values[0];
    if (const ConfigSetting* s = cfg.find("publish.ssh")) n.publish.ssh = s->values[0];
    n.shrink_in_file = cfg.find("allow-shrink") != nullptr;
    n.older_in_file = cfg.find("accept-older") != nullptr;
    // Before any work: no output or web root over another path of the run, no loose secret.
    std::vector<PathSetting> paths = import_paths(imp, nightly_config);
    for (auto& p : build_paths(n.build, ""))
      if (p.setting != "db") paths.push_back(std::move(p));  // db and the file: given once
    paths.push_back({"publish.to", n.publish.to, PathSetting::Role::replaced});
    check_paths(paths);
    n.key_warnings = check_secret_modes(secret_paths(n.build), allow_shared_keys);
    n.json = log_format == "json";
    n.status_file = status_file;
    n.quiet = quiet;
    n.build.exit_after = !kLeaksChecked;  // as for build
    return run_nightly(n, std::cout, std::cerr);
  }

  int make_keys() {
    // Makes what is missing; an existing secret is kept unless --force (a new site key
    // changes every family's address, a new signing key every signature to come).
    namespace fs = std::filesystem;
    fs::create_directories(key_dir);
    std::string site = (fs::path(key_dir) / "site.key").string();
    std::string sign_key = (fs::path(key_dir) / "sign.key.pem").string();
    std::string sign_cert = (fs::path(key_dir) / "sign.cert.pem").string();
    if (!fs::exists(site) || key_force) {
      write_site_key(site, true);
      std::cout << "wrote the site key " << site << " (readable by its owner only)\n";
    } else {
      std::cout << "kept the site key " << site
                << " (--force makes a new one: every family address changes)\n";
    }
    if (!fs::exists(sign_key) || !fs::exists(sign_cert) || key_force) {
      write_demo_signer(sign_key, sign_cert, 730, key_gost);
      std::cout << "wrote a demonstration " << (key_gost ? "GOST R 34.10-2012 " : "")
                << "signing key " << sign_key << " and its self-signed certificate " << sign_cert
                << " (for trying the archive; a school signs with its own)\n";
    } else {
      std::cout << "kept the signing key " << sign_key << " and certificate " << sign_cert << "\n";
    }
    return 0;
  }
};

}  // namespace

int run_cli(int argc, char** argv) { return Cli().run(argc, argv); }

}  // namespace jp
