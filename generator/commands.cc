#include "commands.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "import.h"
#include "sample.h"

namespace jp {

int run_cli(int argc, char** argv) {
  CLI::App app{
      "journalpress: publishes a Russian school's electronic class journal as parents' diaries,\n"
      "signed PDF archives and printed weekly extracts.",
      "journalpress"};
  app.set_version_flag("--version", std::string("journalpress ") + JOURNALPRESS_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Run `journalpress COMMAND --help` for the options of a command; docs/manual.md has the "
      "manual.");

  ImportOptions imp;
  auto* import = app.add_subcommand(
      "import",
      "Check journal data in the journalpress/1 format and load it into the database.\n"
      "All or nothing: on any error the database is left exactly as it was.");
  import->add_option("PATH", imp.inputs, "journalpress/1 .json files, or directories of them")
      ->required()
      ->check(CLI::ExistingPath);
  import->add_option("--db", imp.db, "SQLite database to load into (created if missing)")
      ->required();
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

  SampleOptions smp;
  auto* sample =
      app.add_subcommand("sample",
                         "Write a deterministic synthetic journal in the journalpress/1 format.\n"
                         "The same options give byte-identical files.");
  sample->add_option("--out", smp.out, "directory to write the .json files into")->required();
  sample->add_option("--students", smp.students, "about how many students")
      ->capture_default_str()
      ->check(CLI::Range(10, 20000));
  sample->add_option("--seed", smp.seed, "random seed")->capture_default_str();

  // CLI11 would say only "A subcommand is required" for a misspelt command.
  std::string names;
  bool known = false;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
    known = known || (argc > 1 && sub->get_name() == argv[1]);
  }
  if (argc > 1 && argv[1][0] != '-' && !known) {
    std::cerr << "journalpress: unknown command \"" << argv[1] << "\"; the commands are: " << names
              << ".\nRun `journalpress --help` for more information.\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (import->parsed()) return run_import(imp, std::cout, std::cerr);
  if (sample->parsed()) return run_sample(smp, std::cout);
  return 0;
}

}  // namespace jp
