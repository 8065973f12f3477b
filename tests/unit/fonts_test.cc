#include "print/fonts.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/journal.h"

using namespace jp;

namespace {

FontChain pt_sans() { return FontChain({"/usr/share/fonts/truetype/paratype/PTS55F.ttf"}); }

/// The text a fallback run stands for, glyph by glyph in drawing order (its ToUnicode).
std::vector<std::string> glyph_texts(const FontChain& chain, int font) {
  std::vector<std::string> out;
  for (const auto& g : chain.used()[font].glyphs) out.push_back(g.text);
  return out;
}

}  // namespace

TEST_CASE("text PT Sans has is one run of the text as it is", "[fonts]") {
  FontChain chain = pt_sans();
  // The letters of Russia's peoples PT Sans has (Tatar, Bashkir, Chuvash, Yakut, Kazakh).
  std::string s = "Соловьёв Гәрәев Өмөр Ҙ Ҡ Ҫ Ӑ Ӗ Ӳ Ҕ Ҥ Ң Һ Җ Ү Ұ Қ Ғ Zoë «№ 5»";
  auto runs = chain.runs(0, s);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].font == -1);
  CHECK(runs[0].text == s);
  for (const auto& f : chain.used()) CHECK(f.glyphs.empty());
}

TEST_CASE("what PT Sans lacks comes from a fallback font, right to left in visual order",
          "[fonts]") {
  FontChain chain = pt_sans();
  std::vector<char32_t> missing;
  auto runs = chain.runs(0, "Алиев محمد", &missing);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].font == -1);
  CHECK(runs[0].text == "Алиев ");
  CHECK(runs[1].font == 0);  // DejaVu Sans
  CHECK(chain.used()[0].file == "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  CHECK(runs[1].width > 0);
  CHECK(missing.empty());
  // Shaped: four glyphs (joining forms), drawn from the last letter to the first.
  CHECK(glyph_texts(chain, 0) == std::vector<std::string>{"د", "م", "ح", "م"});
  // Each glyph is addressed by a private-use character, one per glyph.
  CHECK(runs[1].text == "\xee\x80\x80\xee\x80\x81\xee\x80\x82\xee\x80\x83");
  // Initial, medial and final forms of م are different glyphs.
  const auto& g = chain.used()[0].glyphs;
  CHECK(g[1].gid != g[3].gid);
}

TEST_CASE("Chinese comes from Droid Sans Fallback, Komi letters from DejaVu, emoji from Symbola",
          "[fonts]") {
  FontChain chain = pt_sans();
  auto runs = chain.runs(0, "王 小明");
  REQUIRE(runs.size() == 1);  // the space between two Chinese words joins their run
  CHECK(chain.file(runs[0].font) == "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf");
  CHECK(glyph_texts(chain, runs[0].font) == std::vector<std::string>{"王", " ", "小", "明"});
  auto komi = chain.runs(0, "Ԁоԁов");
  REQUIRE(komi.size() == 4);
  CHECK(komi[0].font == 0);
  CHECK(komi[1].text == "о");
  auto emoji = chain.runs(0, "Молодец! 👍");
  REQUIRE(emoji.size() == 2);
  CHECK(chain.file(emoji[1].font) == "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf");
}

TEST_CASE("a script of fonts-noto-core is found through fontconfig", "[fonts]") {
  FontChain chain = pt_sans();
  auto runs = chain.runs(0, "शर्मा");
  REQUIRE(runs.size() == 1);
  CHECK(chain.file(runs[0].font).rfind("/usr/share/fonts/truetype/noto/NotoSans", 0) == 0);
  CHECK(chain.file(runs[0].font).find("Devanagari") != std::string::npos);
}

TEST_CASE("a character no font has is a box that still stands for it; zero-width ones vanish",
          "[fonts]") {
  FontChain chain = pt_sans();
  std::vector<char32_t> missing;
  auto runs = chain.runs(0, "Ок\xe2\x80\x8bей \xf0\x9f\xab\xa8", &missing);  // ZWSP, U+1FAE8
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].text == "Окей ");
  CHECK(runs[1].font == 0);
  CHECK(missing == std::vector<char32_t>{0x1FAE8});
  CHECK(glyph_texts(chain, 0) == std::vector<std::string>{"\xf0\x9f\xab\xa8"});
  CHECK_FALSE(chain.has_glyph(0x1FAE8));
  // A line break of free text is a space on the line, never a box.
  auto lines = chain.runs(0, "Упр. 1\nУпр. 2", &missing);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text == "Упр. 1 Упр. 2");
  CHECK(missing == std::vector<char32_t>{0x1FAE8});
  CHECK(chain.has_glyph(0x4E2D));
}

TEST_CASE("the build's warning names the record and the code point", "[fonts]") {
  Journal j;
  j.school.id = "sch";
  Student s;
  s.id = "s34";
  s.person = {"Ли", "王", ""};
  j.students.push_back(s);
  Remark r;
  r.id = "r-17";
  r.student = "s0034";
  r.text = "Молодец! 👍 \xf0\x9f\xab\xa8";
  j.remarks.push_back(r);
  CHECK(glyph_warnings(j) ==
        std::vector<std::string>{"remark r-17 (student s0034): U+1FAE8 has no glyph; drawn as □"});
}

TEST_CASE("bold text takes a fallback font's bold face where there is one", "[fonts]") {
  FontChain chain({"/usr/share/fonts/truetype/paratype/PTS55F.ttf",
                   "/usr/share/fonts/truetype/paratype/PTS75F.ttf"});
  auto bold = chain.runs(1, "Алиев محمد");
  REQUIRE(bold.size() == 2);
  CHECK(chain.file(bold[1].font) == "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf");
  auto regular = chain.runs(0, "Алиев محمد");
  CHECK(chain.file(regular[1].font) == "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  // Droid Sans Fallback has no bold: its regular face.
  auto han = chain.runs(1, "王");
  CHECK(chain.file(han[0].font) == "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf");
}
