#include "app/config.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "app/commands.h"
#include "app/nightly.h"
#include "helpers.h"

using namespace jp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {

/// A command shaped like `build`: the kinds of option a file may set.
struct Fixture {
  CLI::App app{"test"};
  CLI::App* build = app.add_subcommand("build");
  std::string db, key, url, today;
  bool site = false;
  size_t max_errors = 100;
  double wait = 0;
  std::vector<std::string> classes;
  fs::path dir = temp_path("config_test");
  Fixture() {
    build->add_option("--db", db);
    build->add_option("--site-key", key);
    build->add_option("--base-url", url)
        ->check(CLI::Validator([](std::string& u) { return check_base_url(u); }, "URL"));
    build->add_option("--today", today);
    build->add_flag("--site", site);
    build->add_option("--max-errors", max_errors)
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    build->add_option("--wait", wait);
    build->add_option("--class", classes);
    build->add_option("--config", db);  // never a key
    fs::create_directories(dir);
    std::ofstream(dir / "site.key") << "k";
  }
  std::string write(const std::string& text) {
    std::ofstream(dir / "c.toml") << text;
    return (dir / "c.toml").string();
  }
  Config read(const std::string& text) { return read_config(write(text), config_keys({build})); }
  std::string error(const std::string& text) {
    try {
      Config c = read(text);
      apply_config(c, *build);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no error";
  }
};

}  // namespace

TEST_CASE("config: keys come from the options, without the dashes", "[config]") {
  Fixture f;
  std::vector<std::string> names;
  for (const auto& k : config_keys({f.build})) names.push_back(k.key);
  CHECK(names == std::vector<std::string>{"db", "site-key", "base-url", "today", "site",
                                          "max-errors", "wait", "class", "publish.to",
                                          "publish.ssh"});
}

TEST_CASE("config: values fill the options the command line left out", "[config]") {
  Fixture f;
  f.app.parse(std::vector<std::string>{"cli.db", "--db", "build"});  // argv, reversed
  Config c = f.read(
      "db = \"file.db\"\nsite-key = \"site.key\"\nsite = true\nmax-errors = 7\nwait = 1.5\n"
      "today = 2025-03-14\nclass = [\"5a\", \"6b\"]\n");
  apply_config(c, *f.build);
  CHECK(f.db == "cli.db");                        // the command line wins
  CHECK(f.key == (f.dir / "site.key").string());  // relative to the file's folder
  CHECK(f.site);
  CHECK(f.max_errors == 7);
  CHECK(f.wait == 1.5);
  CHECK(f.today == "2025-03-14");  // a TOML date, as the command line spells it
  CHECK(f.classes == std::vector<std::string>{"5a", "6b"});
  CHECK(c.find("site")->line == 3);
}

TEST_CASE("config: errors name the file, the line and the key", "[config]") {
  Fixture f;
  std::string file = (f.dir / "c.toml").string();
  CHECK(f.error("db = \"x\"\nsite_key = \"k\"\n") ==
        file +
            ":2: unknown key \"site_key\" (did you mean \"site-key\"?); the keys are the options "
            "of import, build and nightly without the dashes, input, and publish.to and "
            "publish.ssh (docs/manual.md)");
  CHECK(f.error("site = \"yes\"\n") ==
        file + ":1: site: expected true or false, got a string (\"yes\")");
  CHECK(f.error("\n\nmax-errors = \"100\"\n") ==
        file + ":3: max-errors: expected a whole number, got a string (\"100\")");
  CHECK(f.error("db = [\"a\", \"b\"]\n") == file + ":1: db: expected a string, got an array");
  CHECK(f.error("class = [\"5a\", 6]\n") ==
        file + ":1: class: expected a string or an array of them, got a whole number");
  CHECK(f.error("site-key = \"nokey\"\n") ==
        file + ":1: site-key: the file " + (f.dir / "nokey").string() +
            " does not exist (`journalpress keygen --out DIR` makes one)");
  CHECK(f.error("site-key = \".\"\n") ==
        file + ":1: site-key: " + f.dir.string() + "/ is not a regular file");
  CHECK(f.error("[publish]\nto = \"nowhere\"\n") ==
        file + ":2: publish.to: the folder " + (f.dir / "nowhere").string() + " does not exist");
  CHECK(f.error("[publish]\nssh = \"ssh -i k\"\n") ==
        file +
            ":2: publish.ssh: is for a remote publish.to (HOST:PATH, rsync over ssh); "
            "publish.to is not given");
  CHECK(f.error("[publish]\nfrom = \"x\"\n") ==
        file +
            ":2: unknown key \"publish.from\"; the keys are the options of import, build and "
            "nightly without the dashes, input, and publish.to and publish.ssh (docs/manual.md)");
  CHECK(f.error("[school]\nid = 1\n") ==
        file +
            ":1: unknown key \"school\"; the keys are the options of import, build and "
            "nightly without the dashes, input, and publish.to and publish.ssh (docs/manual.md)");
  CHECK(f.error("db = \"a\"\ndb = \"b\"\n") ==
        file + ":2:6: Error while parsing key-value pair: cannot redefine existing string 'db'");
  CHECK(f.error("site = tru\n") ==
        file + ":1:11: Error while parsing boolean: expected 'true', saw 'tru\\n'");
  // The option's own checks run on values from the file, as on the command line.
  CHECK(f.error("max-errors = 0\n") == file + ":1: max-errors: Value 0 not in range 1 to 1000");
  CHECK(f.error("base-url = \"javascript:alert(1)\"\n") ==
        file +
            ":1: base-url: expected an http:// or https:// address such as "
            "https://school.example/diary/, got \"javascript:alert(1)\"");
}

TEST_CASE("config: every problem of a file is found, in the file's order", "[config]") {
  Fixture f;
  std::string file = f.write(
      "wait = \"soon\"\nletter = true\nsite-key = \"nokey\"\nmax-errors = 0\nsite = \"yes\"\n");
  std::vector<std::string> problems;
  Config c = read_config(file, config_keys({f.build}), &problems);
  apply_config(c, *f.build, {}, &problems);
  apply_config(c, *f.build, {}, &problems);  // refused twice: still one problem
  CHECK(problems == std::vector<std::string>{
                        file + ":1: wait: expected a number, got a string (\"soon\")",
                        file + ":2: unknown key \"letter\"; the keys are the options of import, "
                               "build and nightly without the dashes, input, and publish.to and "
                               "publish.ssh (docs/manual.md)",
                        file + ":3: site-key: the file " + (f.dir / "nokey").string() +
                            " does not exist (`journalpress keygen --out DIR` makes one)",
                        file + ":4: max-errors: Value 0 not in range 1 to 1000",
                        file + ":5: site: expected true or false, got a string (\"yes\")"});
  // Without a list, all of them in one error, a line each.
  std::string all = f.error(
      "wait = \"soon\"\nletter = true\nsite-key = \"nokey\"\nmax-errors = 0\nsite = \"yes\"\n");
  CHECK(all.starts_with(file + ":1: wait: expected a number"));
  CHECK(all.find("\n" + file + ":5: site: expected true or false") != std::string::npos);
}

TEST_CASE("config: a configuration file that is not a regular file", "[config]") {
  Fixture f;
  fs::path fifo = f.dir / "fifo.toml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(read_config(fifo.string(), config_keys({f.build})),
                    Catch::Contains("cannot read the configuration file " + fifo.string()));
  CHECK_THROWS_WITH(read_config((f.dir / "none.toml").string(), config_keys({f.build})),
                    Catch::Contains("No such file or directory"));
  // A link to a configuration is read (as /etc/journalpress/x.toml -> ... would be); its
  // relative paths are from the link's folder.
  fs::create_directories(f.dir / "etc");
  std::ofstream(f.dir / "etc" / "site.key") << "k";
  std::ofstream(f.dir / "real.toml") << "site-key = \"site.key\"\n";
  fs::create_symlink(f.dir / "real.toml", f.dir / "etc" / "link.toml");
  Config c = read_config((f.dir / "etc" / "link.toml").string(), config_keys({f.build}));
  CHECK(c.find("site-key")->values[0] == (f.dir / "etc" / "site.key").string());
}

TEST_CASE("config: describe_settings masks secrets", "[config]") {
  CHECK(mask_secrets("https://user:pa55@host.example/diary/") ==
        "https://user:***@host.example/diary/");
  CHECK(mask_secrets("https://host.example/a@b") == "https://host.example/a@b");
  CHECK(mask_secrets("diary@web:/var/www") == "diary@web:/var/www");
  Fixture f;
  ::chmod((f.dir / "site.key").c_str(), 0644);
  Config c = f.read("site-key = \"site.key\"\nbase-url = \"https://u:secret@school.example/\"\n");
  apply_config(c, *f.build);
  std::string text = describe_settings(c, {f.build});
  CHECK(text.find(":secret@") == std::string::npos);  // the password is not printed
  CHECK_THAT(text, Catch::Contains("base-url = \"https://u:***@school.example/\""));
  CHECK_THAT(text, Catch::Contains("# line 1, a secret file of mode 0644: WARNING, readable by "
                                   "others than its owner"));
  CHECK_THAT(text, Catch::Contains("max-errors = 100"));
}

TEST_CASE("nightly: rsync's itemized lines are counted", "[config]") {
  RsyncCounts c;
  CHECK(count_rsync_line(">f+++++++++ f/abc/index.html", c));
  CHECK(count_rsync_line("<f.st...... style.css", c));
  CHECK(count_rsync_line("cd+++++++++ f/abc/", c));
  CHECK(count_rsync_line("*deleting   f/old/index.html", c));
  CHECK(count_rsync_line("*deleting   f/old/", c));
  CHECK(count_rsync_line(".d..t...... ./", c));
  CHECK_FALSE(count_rsync_line("rsync: [sender] change_dir \"/x\" failed: No such file", c));
  CHECK(c.sent == 2);
  CHECK(c.deleted == 1);
  CHECK(is_remote_target("diary@web:/var/www/x"));
  CHECK(is_remote_target("web:www"));
  CHECK_FALSE(is_remote_target("/var/www/a:b"));
  CHECK_FALSE(is_remote_target("./a:b"));
}
