#include "print/pdf.h"

#include <catch2/catch.hpp>
#include <qpdf/QPDF.hh>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "core/text.h"
#include "helpers.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {
bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += n;
  }
  return true;
}
}  // namespace

TEST_CASE("pdf: line breaking keeps every character and never splits one") {
  PdfDoc doc("Тест", "journalpress", "тест");
  std::string surname = "Константинопольская-Великорецкая-Новодевичья";  // > 40 characters
  REQUIRE(utf8_length(surname) > 40);
  auto lines = doc.wrap(PdfDoc::regular, 9, surname + " Алёна Сергеевна", 60);
  std::string joined;
  for (const auto& l : lines) {
    CHECK(valid_utf8(l));
    CHECK(doc.width(PdfDoc::regular, 9, l) <= 60.0f);
    joined += l;
  }
  std::string expected = surname + "АлёнаСергеевна";  // spaces at breaks are dropped
  std::string no_spaces;
  for (char c : joined)
    if (c != ' ') no_spaces += c;
  CHECK(no_spaces == expected);
}

TEST_CASE(
    "pdf: a long table breaks across pages with its header repeated; qpdf and pdftotext read it") {
  PdfDoc doc("Сводная ведомость", "МБОУ «СОШ № 1»", "тест таблицы");
  doc.new_page(true);
  float y = doc.top();
  PdfDoc::Table t;
  t.widths = {30, 200, 300};
  t.header = {"№", "Фамилия, имя, отчество", "Тема урока"};
  std::string topic;
  while (utf8_length(topic) < 300) topic += "Правописание безударных гласных в корне слова, ";
  for (int i = 1; i <= 120; ++i)
    t.rows.push_back({std::to_string(i), "Ученик" + std::to_string(i) + " Ёлкин-Палкин Пётр",
                      i == 7 ? topic : "Дроби"});
  doc.table(t, y);
  int pages = doc.pages();
  CHECK(pages > 2);
  std::string pdf = doc.finish("стр. ");
  auto dir = temp_path("pdf");
  fs::create_directories(dir);
  std::ofstream(dir / "t.pdf", std::ios::binary) << pdf;
  CHECK(std::system(("qpdf --check " + (dir / "t.pdf").string() + " > /dev/null").c_str()) == 0);
  // libharu 2.3's ToUnicode CMap made poppler warn; print/pdfa writes one it reads silently.
  REQUIRE(std::system(("pdftotext -layout " + (dir / "t.pdf").string() + " " +
                       (dir / "t.txt").string() + " 2>" + (dir / "err.txt").string())
                          .c_str()) == 0);
  CHECK(slurp(dir / "err.txt") == "");
  std::string text = slurp(dir / "t.txt");
  for (int i = 1; i <= 120; ++i)
    CHECK(text.find("Ученик" + std::to_string(i) + " ") != std::string::npos);
  size_t headers = 0;
  for (size_t p = text.find("Тема урока"); p != std::string::npos;
       p = text.find("Тема урока", p + 1))
    ++headers;
  CHECK(int(headers) == pages);
  CHECK(text.find("стр. " + std::to_string(pages)) != std::string::npos);
  CHECK(text.find("безударных") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("pdf: a cell taller than a page continues on the next page, nothing lost") {
  PdfDoc doc("Длинное задание", "МБОУ «СОШ № 1»", "тест");
  doc.new_page(false);
  float y = doc.top() - 200;  // part of the page is already used
  PdfDoc::Table t;
  t.landscape = false;
  t.widths = {30, 300};
  t.header = {"№", "Домашнее задание"};
  std::string homework;
  for (int i = 1; i <= 1000; ++i) homework += "задание-" + std::to_string(i) + " ";
  t.rows = {{"1", "коротко"}, {"2", homework}, {"3", "после"}};
  doc.table(t, y);
  CHECK(doc.pages() >= 3);
  std::string pdf = doc.finish("стр. ");
  auto dir = temp_path("pdf-tall");
  fs::create_directories(dir);
  std::ofstream(dir / "t.pdf", std::ios::binary) << pdf;
  REQUIRE(std::system(("pdftotext " + (dir / "t.pdf").string() + " " + (dir / "t.txt").string() +
                       " 2>/dev/null")
                          .c_str()) == 0);
  std::string text = slurp(dir / "t.txt");
  for (int i = 1; i <= 1000; ++i)
    CHECK((text.find("задание-" + std::to_string(i) + "\n") != std::string::npos ||
           text.find("задание-" + std::to_string(i) + " ") != std::string::npos));
  CHECK(text.find("после") != std::string::npos);
  // Every word inside its page.
  REQUIRE(std::system(("pdftotext -bbox " + (dir / "t.pdf").string() + " " +
                       (dir / "b.html").string() + " 2>/dev/null")
                          .c_str()) == 0);
  std::string boxes = slurp(dir / "b.html");
  size_t outside = 0;
  for (size_t p = boxes.find("yMin=\""); p != std::string::npos; p = boxes.find("yMin=\"", p + 1))
    if (std::stod(boxes.substr(p + 6)) < 0) ++outside;
  CHECK(outside == 0);
  fs::remove_all(dir);
}

TEST_CASE("pdf: a libharu failure names the document, the page and the record being drawn") {
  PdfDoc doc("Журнал 5А", "школа", "тема");
  doc.new_page(false);
  doc.set_record("student s1");
  // libharu refuses a text of more than 65,535 bytes in one show-text operator.
  CHECK_THROWS_WITH(doc.text(100, 100, PdfDoc::regular, 10, std::string(70000, 'x')),
                    "libharu failed to write text in the document \"Журнал 5А\", page 1, "
                    "drawing student s1: error 0x105b (detail 0)");
}

TEST_CASE("pdf: PDF/A metadata says the same in the Info dictionary and the XMP, reproducibly") {
  auto make = [] {
    PdfDoc doc("Журнал 5А <ё> & «кавычки»", "МБОУ «СОШ № 5»", "Итоговые оценки");
    doc.set_date(2024, 5, 30);
    doc.new_page(false);
    doc.text(doc.left(), doc.top() - 20, PdfDoc::regular, 12, "Соловьёв Пётр");
    doc.bookmark("Раздел");
    return doc.finish("стр. ");
  };
  std::string pdf = make();
  // Same input, same bytes (the /ID comes from the content): a signed copy stays recognised.
  CHECK(make() == pdf);
  auto dir = temp_path("pdf-meta");
  fs::create_directories(dir);
  std::ofstream(dir / "t.pdf", std::ios::binary) << pdf;
  std::string f = (dir / "t.pdf").string();
  REQUIRE(std::system(("pdfinfo -meta " + f + " > " + (dir / "xmp.txt").string()).c_str()) == 0);
  std::string xmp = slurp(dir / "xmp.txt");
  CHECK(xmp.find("<pdfaid:part>1</pdfaid:part>") != std::string::npos);
  CHECK(xmp.find("<pdfaid:conformance>B</pdfaid:conformance>") != std::string::npos);
  CHECK(xmp.find(">Журнал 5А &lt;ё&gt; &amp; «кавычки»</rdf:li>") != std::string::npos);
  CHECK(xmp.find("<rdf:li>МБОУ «СОШ № 5»</rdf:li>") != std::string::npos);
  CHECK(xmp.find(">Итоговые оценки</rdf:li>") != std::string::npos);
  CHECK(xmp.find("<xmp:CreateDate>2024-05-30T00:00:00+00:00</xmp:CreateDate>") !=
        std::string::npos);
  CHECK(xmp.find("<xmp:ModifyDate>2024-05-30T00:00:00+00:00</xmp:ModifyDate>") !=
        std::string::npos);
  REQUIRE(std::system(("TZ=UTC pdfinfo " + f + " > " + (dir / "info.txt").string()).c_str()) == 0);
  std::string info = slurp(dir / "info.txt");
  CHECK(info.find("Title:           Журнал 5А <ё> & «кавычки»\n") != std::string::npos);
  CHECK(info.find("Author:          МБОУ «СОШ № 5»\n") != std::string::npos);
  CHECK(info.find("Subject:         Итоговые оценки\n") != std::string::npos);
  CHECK(info.find("CreationDate:    Thu May 30 00:00:00 2024 UTC\n") != std::string::npos);
  CHECK(info.find("ModDate:         Thu May 30 00:00:00 2024 UTC\n") != std::string::npos);
  CHECK(std::regex_search(info, std::regex("PDF version: +1\\.4\n")));
  fs::remove_all(dir);
}

TEST_CASE("pdf: every stream but the XMP packet is deflated, the fonts' too, in every document") {
  // libharu deflates the pages; make_pdfa deflates the font programs and maps, once per
  // process for equal bytes: two documents drawing the same letters share one deflate.
  auto make = [](const std::string& title) {
    PdfDoc doc(title, "journalpress", "тест");
    doc.new_page(false);
    doc.text(doc.left(), doc.top() - 20, PdfDoc::regular, 12, "Соловьёв Пётр Ёлкин");
    doc.text(doc.left(), doc.top() - 40, PdfDoc::bold, 12, "Итоговые оценки 5А");
    return doc.finish("стр. ");
  };
  auto dir = temp_path("pdf-deflate");
  fs::create_directories(dir);
  for (const char* title : {"Первый", "Второй"}) {
    std::string pdf = make(title);
    QPDF q;
    q.processMemoryFile(title, pdf.data(), pdf.size());
    int fonts = 0, unfiltered = 0;
    std::string bare;
    for (QPDFObjectHandle o : q.getAllObjects()) {
      if (!o.isStream()) continue;
      QPDFObjectHandle d = o.getDict();
      if (d.getKey("/Type").isNameAndEquals("/Metadata")) {
        CHECK_FALSE(d.hasKey("/Filter"));  // PDF/A-1 6.7.2: readable without PDF
        continue;
      }
      QPDFObjectHandle filter = d.getKey("/Filter");  // libharu writes [/FlateDecode]
      if (filter.isArray() && filter.getArrayNItems() == 1) filter = filter.getArrayItem(0);
      if (!filter.isNameAndEquals("/FlateDecode")) ++unfiltered, bare += d.unparse();
      if (d.hasKey("/Length1")) {  // a TrueType program: it decodes to one, of its length
        ++fonts;
        auto bytes = o.getStreamData(qpdf_dl_generalized);
        REQUIRE(bytes->getSize() >= 4);
        CHECK(std::string(reinterpret_cast<const char*>(bytes->getBuffer()), 4) ==
              std::string("\0\1\0\0", 4));
        CHECK(d.getKey("/Length1").getIntValue() == static_cast<long long>(bytes->getSize()));
      }
    }
    INFO(bare);
    CHECK(unfiltered == 0);
    CHECK(fonts == 2);  // regular and bold
    fs::path f = dir / "t.pdf";
    std::ofstream(f, std::ios::binary) << pdf;
    std::string text = test::run_command("pdftotext -enc UTF-8 " + f.string() + " -");
    CHECK(text.find("Соловьёв Пётр Ёлкин") != std::string::npos);
    CHECK(text.find("Итоговые оценки 5А") != std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("pdf: the flat cmap gives libharu the same glyph for every code point, in every font") {
  // FlatCmaps replaces libharu's linear cmap search by a table: the answers must not change,
  // in the three faces and in fallback fonts of other scripts (CJK, Arabic, symbols).
  std::vector<std::string> files = {"/usr/share/fonts/truetype/paratype/PTS55F.ttf",
                                    "/usr/share/fonts/truetype/paratype/PTS75F.ttf",
                                    "/usr/share/fonts/truetype/paratype/PTN57F.ttf"};
  for (const char* more : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                           "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
                           "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
                           "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"})
    if (fs::exists(more)) files.push_back(more);
  REQUIRE(files.size() >= 5);  // the test packages install the fallbacks
  for (const auto& f : files) {
    INFO(f);
    CHECK(flat_cmap_mismatches(f) == 0);
  }
}
