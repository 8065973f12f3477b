// paper/letters: a notice per electronic guardian with the address of the family's area,
// printed once per address (a new family, a revoked address), dated the day it is first
// printed; `--all` prints every current address again.
#include "paper/letters.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "app/build.h"
#include "app/import.h"
#include "core/keys.h"
#include "helpers.h"

using namespace jp;
using jp::test::run_command;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

TEST_CASE(
    "letters: a notice per electronic guardian whose QR code is their address; revoke "
    "reissues it",
    "[letters]") {
  auto dir = temp_path("letters");
  fs::create_directories(dir);
  ImportOptions io;
  io.inputs = {std::string(JP_SOURCE_DIR) + "/tests/corpus/base"};
  io.db = (dir / "j.db").string();
  std::ostringstream out, err;
  REQUIRE(run_import(io, out, err) == 0);
  write_site_key((dir / "site.key").string(), false);
  BuildOptions o;
  o.db = io.db;
  o.out = (dir / "out").string();
  o.site_key = (dir / "site.key").string();
  o.site = o.letters = true;
  o.base_url = "https://school5.example.ru/diary";
  o.today = "2023-11-15";
  REQUIRE(run_build(o, out) == 0);
  auto url_of = [&](const std::string& guardian) {
    std::istringstream csv(slurp(dir / "out/private/access.csv"));
    for (std::string line; std::getline(csv, line);)
      if (line.rfind(guardian + ",", 0) == 0)
        return std::regex_replace(line, std::regex(".*,(https://[^,]*),.*"), "$1");
    return std::string();
  };
  auto qr_of = [&](const std::string& pdf) {
    run_command("pdftoppm -r 150 -png -f 1 -l 1 " + pdf + " " + (dir / "page").string());
    fs::path png;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".png") png = e.path();
    std::string code = run_command("zbarimg --raw -q " + png.string());
    fs::remove(png);
    return code.substr(2, code.find('\n', 2) - 2);
  };
  std::string url = url_of("g1");
  REQUIRE(url.rfind("https://school5.example.ru/diary/f/", 0) == 0);
  fs::path letter = dir / "out/letters/5a.pdf";  // g1's child is in 5А
  REQUIRE(fs::exists(letter));
  CHECK(qr_of(letter.string()) == url);
  std::string text = run_command("pdftotext -layout " + letter.string() + " -");
  CHECK(text.find("Уважаемый(ая) Соловьёва Анна!") != std::string::npos);
  CHECK(text.find("Соловьёв Пётр Ильич (5А класс)") != std::string::npos);
  CHECK(text.find(url) != std::string::npos);
  std::string flat = std::regex_replace(text, std::regex("\\s+"), " ");
  CHECK(flat.find("письменно уведомите директора школы (п. 3.15, Приложение 1)") !=
        std::string::npos);
  CHECK(flat.find("не передавайте его другим лицам") != std::string::npos);
  CHECK(text.find("Директор _______________ / Ковалёва А. С.") != std::string::npos);
  CHECK(text.find("взамен отозванного") == std::string::npos);
  // Paper guardians get no notice (Ким Вера takes the paper delivery).
  CHECK_FALSE(fs::exists(dir / "out/letters/1a.pdf"));

  RevokeOptions r;
  r.guardian = "g1";
  r.db = io.db;
  REQUIRE(run_revoke(r, out) == 0);
  REQUIRE(run_build(o, out) == 0);
  std::string new_url = url_of("g1");
  CHECK(new_url != url);
  CHECK(qr_of(letter.string()) == new_url);
  text = run_command("pdftotext -layout " + letter.string() + " -");
  CHECK(text.find("Адрес выдан взамен отозванного; прежний адрес больше не действует.") !=
        std::string::npos);
  CHECK(text.find(url) == std::string::npos);

  // The same day again, nothing new: up to date without reading the journal (the letters
  // just printed count as printed in the fingerprint recorded).
  {
    std::ostringstream again;
    REQUIRE(run_build(o, again) == 0);
    CHECK_THAT(again.str(), Catch::Contains("letters: up to date (same journal, date, key, "
                                            "addresses printed and templates as the last build"));
    // A revoke since is a change: the letter is due again.
    REQUIRE(run_revoke(r, out) == 0);
    again.str("");
    REQUIRE(run_build(o, again) == 0);
    CHECK_THAT(again.str(), !Catch::Contains("letters: up to date") &&
                                Catch::Contains("(1 of 2 addresses new or revoked"));
    new_url = url_of("g1");
    CHECK(qr_of(letter.string()) == new_url);
  }

  // A night with nothing new: no letter is due, none is written, the file stays.
  std::string before = slurp(letter);
  o.today = "2023-11-16";
  std::ostringstream said;
  REQUIRE(run_build(o, said) == 0);
  CHECK(said.str().find("letters: 0 notices to electronic guardians (0 of 2 addresses new or "
                        "revoked since the last letters; --all prints every one) in 0 class PDFs") !=
        std::string::npos);
  CHECK(slurp(letter) == before);
  // --all prints every current address again, each dated the day it was first printed (the
  // revoked one on 15 November, when its new address was printed), not the build's day.
  o.all = true;
  o.today = "2023-11-20";
  said.str("");
  REQUIRE(run_build(o, said) == 0);
  CHECK(said.str().find("(2 of 2 addresses printed again: --all)") != std::string::npos);
  text = run_command("pdftotext -layout " + letter.string() + " -");
  CHECK(text.find("15 ноября 2023") != std::string::npos);
  CHECK(text.find("20 ноября 2023") == std::string::npos);
  said.str("");
  REQUIRE(run_build(o, said) == 0);  // the same --all again: up to date
  CHECK_THAT(said.str(), Catch::Contains("letters: up to date"));
  o.all = false;

  // Letters without an address to print are refused.
  o.base_url.clear();
  CHECK_THROWS_WITH(run_build(o, out), Catch::StartsWith("--letters needs --base-url URL"));
  fs::remove_all(dir);
}
