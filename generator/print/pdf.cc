#include "print/pdf.h"

#include <fmt/format.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_fontdef.h>
#include <qrencode.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace jp {
namespace {

constexpr float kMm = 72.0f / 25.4f;
const char* kFontFiles[] = {"/usr/share/fonts/truetype/paratype/PTS55F.ttf",
                            "/usr/share/fonts/truetype/paratype/PTS75F.ttf",
                            "/usr/share/fonts/truetype/paratype/PTN57F.ttf"};

/// A face's glyph for each of the 65,536 code points, by libharu's own lookup; made once per
/// process for each cmap (the faces are the same fonts in every document). Keyed by the
/// cmap's arrays themselves: they decide every answer, so a font file replaced while a long
/// process runs gets a table of its own.
const std::vector<HPDF_UINT16>& glyph_table(HPDF_FontDef def, const HPDF_TTF_CmapRange& c) {
  const size_t segs = c.seg_count_x2 / 2;
  std::string key(reinterpret_cast<const char*>(&c.format), sizeof c.format);
  for (const void* a :
       {static_cast<const void*>(c.end_count), static_cast<const void*>(c.start_count),
        static_cast<const void*>(c.id_delta), static_cast<const void*>(c.id_range_offset)})
    key.append(static_cast<const char*>(a), 2 * segs);
  if (c.glyph_id_array)
    key.append(reinterpret_cast<const char*>(c.glyph_id_array), 2 * size_t(c.glyph_id_array_count));
  static std::mutex m;
  static std::map<std::string, std::vector<HPDF_UINT16>> made;  // nodes stay where they are
  std::lock_guard<std::mutex> lock(m);
  auto it = made.find(key);
  if (it != made.end()) return it->second;
  std::vector<HPDF_UINT16> gids(0x10000);
  for (unsigned u = 0; u < 0x10000; ++u) gids[u] = HPDF_TTFontDef_GetGlyphid(def, HPDF_UINT16(u));
  return made.emplace(std::move(key), std::move(gids)).first->second;
}

// The one segment of the flat cmap: every code point, glyph = table[code] (format 4's
// idRangeOffset arithmetic with 2 lands on the table's entry for the code). libharu only
// reads these; they are never freed, as the originals are put back before HPDF_Free.
HPDF_UINT16 kFlatEnd = 0xFFFF, kFlatStart = 0, kFlatRangeOffset = 2;
HPDF_INT16 kFlatDelta = 0;

}  // namespace

/// libharu finds a character's glyph by a linear search of the font's cmap segments: for each
/// of the 65,536 code points when a face is made for the UTF-8 encoder (7 ms for the three
/// faces of every document), and again for every character drawn or measured; 10 to 15 % of
/// the archive's and the reports' time (measured). While libharu holds a face, its cmap is one
/// segment over all code points whose glyphs come from glyph_table: one read a lookup, the
/// same answers. The face's own arrays go back before libharu frees them (restore).
struct FlatCmaps {
  std::vector<std::pair<HPDF_TTFontDefAttr, HPDF_TTF_CmapRange>> swapped;
  void flatten(HPDF_Doc doc, const char* name) {
    HPDF_FontDef def = HPDF_Doc_FindFontDef(doc, name);
    if (!def || def->type != HPDF_FONTDEF_TYPE_TRUETYPE || !def->attr) return;
    auto* attr = static_cast<HPDF_TTFontDefAttr>(def->attr);
    HPDF_TTF_CmapRange& c = attr->cmap;
    if (c.end_count == &kFlatEnd) return;  // the same font loaded again: flat already
    if (c.format != 4 || c.seg_count_x2 == 0 || !c.end_count || !c.start_count || !c.id_delta ||
        !c.id_range_offset)
      return;
    const std::vector<HPDF_UINT16>& gids = glyph_table(def, c);
    swapped.emplace_back(attr, c);
    c.seg_count_x2 = 2;
    c.end_count = &kFlatEnd;
    c.start_count = &kFlatStart;
    c.id_delta = &kFlatDelta;
    c.id_range_offset = &kFlatRangeOffset;
    c.glyph_id_array = const_cast<HPDF_UINT16*>(gids.data());
    c.glyph_id_array_count = HPDF_UINT(gids.size());
  }
  void restore() {
    for (auto it = swapped.rbegin(); it != swapped.rend(); ++it) it->first->cmap = it->second;
    swapped.clear();
  }
};

size_t flat_cmap_mismatches(const std::string& file) {
  HPDF_Doc doc = HPDF_New(nullptr, nullptr);
  if (!doc) throw std::runtime_error("libharu could not create a document (out of memory)");
  FlatCmaps flat;
  size_t differ = 0;
  const char* name = HPDF_LoadTTFontFromFile(doc, file.c_str(), HPDF_TRUE);
  HPDF_FontDef def = name ? HPDF_Doc_FindFontDef(doc, name) : nullptr;
  if (def) {
    std::vector<HPDF_UINT16> before(0x10000);
    for (unsigned u = 0; u < 0x10000; ++u)
      before[u] = HPDF_TTFontDef_GetGlyphid(def, HPDF_UINT16(u));
    flat.flatten(doc, name);
    flat.flatten(doc, name);  // twice: the second must change nothing
    for (unsigned u = 0; u < 0x10000; ++u)
      differ += HPDF_TTFontDef_GetGlyphid(def, HPDF_UINT16(u)) != before[u];
    if (flat.swapped.size() != 1) differ = 0x10000;  // not made flat, or made flat twice
  }
  flat.restore();
  HPDF_Free(doc);
  if (!def) throw std::runtime_error("libharu could not load the font " + file);
  return differ;
}

namespace {

void on_error(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
  // libharu is C: never throw through it. Remember the error; check() reports it.
  auto* codes = static_cast<unsigned long*>(user);
  codes[0] = error;
  codes[1] = detail;
}

size_t utf8_len(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
}

}  // namespace

struct PdfDoc::Doc {
  HPDF_Doc doc = nullptr;
  FlatCmaps flat;
  HPDF_Page page = nullptr;
  std::vector<HPDF_Page> pages;
  HPDF_Font fonts[3] = {};
  std::vector<HPDF_Font> fallback;  ///< by FontChain font index; null until drawn
  HPDF_Outline section = nullptr;
  ~Doc() {
    flat.restore();  // libharu's own arrays back first: HPDF_Free frees them
    if (doc) HPDF_Free(doc);
  }
};

int PdfDoc::pages() const { return int(d_->pages.size()); }

void PdfDoc::check(unsigned long s, const char* what) const {
  if (s == HPDF_OK && error_ == 0) return;
  throw std::runtime_error(fmt::format(
      "libharu failed to {} in the document \"{}\"{}{}: error {:#06x} (detail {})", what,
      meta_.title, d_->pages.empty() ? "" : fmt::format(", page {}", d_->pages.size()),
      record_.empty() ? "" : ", drawing " + record_, error_ ? error_ : s, detail_));
}

PdfDoc::PdfDoc(const std::string& title, const std::string& author, const std::string& subject)
    : d_(std::make_unique<Doc>()), meta_{title, author, subject, "journalpress"} {
  d_->doc = HPDF_New(on_error, &error_);
  if (!d_->doc) throw std::runtime_error("libharu could not create a document (out of memory)");
  // The known pitfalls: the UTF-8 encoder before any text (info, outlines), compression
  // before pages and fonts. The fonts' streams (HPDF_COMP_METADATA) are left to make_pdfa,
  // which deflates each font program once per process instead of once per document.
  check(HPDF_UseUTFEncodings(d_->doc), "enable UTF-8");
  check(HPDF_SetCurrentEncoder(d_->doc, "UTF-8"), "select the UTF-8 encoder");
  check(HPDF_SetCompressionMode(d_->doc, HPDF_COMP_TEXT | HPDF_COMP_IMAGE), "enable compression");
  chain_ = std::make_unique<FontChain>(
      std::vector<std::string>(std::begin(kFontFiles), std::end(kFontFiles)));
  for (int f = 0; f < 3; ++f) {
    const char* name = HPDF_LoadTTFontFromFile(d_->doc, kFontFiles[f], HPDF_TRUE);
    if (!name)
      check(HPDF_FAILD_TO_ALLOC_MEM, (std::string("load the font ") + kFontFiles[f]).c_str());
    d_->flat.flatten(d_->doc, name);
    d_->fonts[f] = HPDF_GetFont(d_->doc, name, "UTF-8");
    if (!d_->fonts[f]) check(HPDF_FAILD_TO_ALLOC_MEM, "select a font");
  }
  // The Info dictionary is written by make_pdfa, with the XMP metadata from the same values.
}

PdfDoc::~PdfDoc() = default;

void PdfDoc::set_date(int year, int month, int day) {
  meta_.year = year;
  meta_.month = month;
  meta_.day = day;
}

void PdfDoc::new_page(bool landscape) {
  if (a5_) {
    // Halves of an A4 landscape sheet: left, right, then a new sheet.
    if (d_->page && half_ == 0) {
      half_ = 1;
    } else {
      d_->page = HPDF_AddPage(d_->doc);
      if (!d_->page) check(HPDF_FAILD_TO_ALLOC_MEM, "add a page");
      check(HPDF_Page_SetSize(d_->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE), "size a page");
      d_->pages.push_back(d_->page);
      half_ = 0;
    }
    float half = HPDF_Page_GetWidth(d_->page) / 2, h = HPDF_Page_GetHeight(d_->page);
    left_ = half * float(half_) + 12 * kMm;
    right_ = half * float(half_ + 1) - 12 * kMm;
    top_ = h - 12 * kMm;
    bottom_ = 12 * kMm;
    return;
  }
  d_->page = HPDF_AddPage(d_->doc);
  if (!d_->page) check(HPDF_FAILD_TO_ALLOC_MEM, "add a page");
  check(HPDF_Page_SetSize(d_->page, HPDF_PAGE_SIZE_A4,
                          landscape ? HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT),
        "size a page");
  d_->pages.push_back(d_->page);
  float w = HPDF_Page_GetWidth(d_->page), h = HPDF_Page_GetHeight(d_->page);
  bool odd = d_->pages.size() % 2 == 1;
  float inner = 25 * kMm, outer = 12 * kMm;
  left_ = odd ? inner : outer;
  right_ = w - (odd ? outer : inner);
  top_ = h - 12 * kMm;
  bottom_ = 15 * kMm;  // room for the page number
}

float PdfDoc::width(Font f, float size, const std::string& text) const {
  auto& known = widths_[f];
  if (auto it = known.find(text); it != known.end()) return it->second * size / 1000.0f;
  float w = 0;
  bool base_only = true;  // what fallback runs measure also loads and shapes: not kept
  for (const auto& r : chain_->runs(f, text)) {
    if (r.font >= 0) {
      w += r.width;
      base_only = false;
      continue;
    }
    if (r.font != -1) base_only = false;
    HPDF_TextWidth tw = HPDF_Font_TextWidth(
        d_->fonts[f], reinterpret_cast<const HPDF_BYTE*>(r.text.data()), HPDF_UINT(r.text.size()));
    w += float(tw.width);
  }
  if (base_only) known.emplace(text, w);
  return w * size / 1000.0f;
}

void PdfDoc::use_fallback(int font, float size) {
  auto& loaded = d_->fallback;
  if (size_t(font) >= loaded.size()) loaded.resize(size_t(font) + 1);
  if (!loaded[font]) {
    const std::string& file = chain_->file(font);
    const char* name = HPDF_LoadTTFontFromFile(d_->doc, file.c_str(), HPDF_TRUE);
    if (!name) check(HPDF_FAILD_TO_ALLOC_MEM, ("load the font " + file).c_str());
    d_->flat.flatten(d_->doc, name);
    loaded[font] = HPDF_GetFont(d_->doc, name, "UTF-8");
    if (!loaded[font]) check(HPDF_FAILD_TO_ALLOC_MEM, "select a font");
    chain_->set_base_name(font, name);
  }
  check(HPDF_Page_SetFontAndSize(d_->page, loaded[font], size), "set the font");
}

void PdfDoc::text_runs(float x, float y, Font f, float size, const std::string& s) {
  auto runs = chain_->runs(f, s);
  if (runs.size() == 1 && runs[0].font < 0) {
    check(HPDF_Page_TextOut(d_->page, x, y, runs[0].text.c_str()), "write text");
    return;
  }
  for (const auto& r : runs) {
    if (r.font >= 0) use_fallback(r.font, size);
    check(HPDF_Page_TextOut(d_->page, x, y, r.text.c_str()), "write text");
    if (r.font >= 0) {
      x += r.width * size / 1000.0f;
      check(HPDF_Page_SetFontAndSize(d_->page, d_->fonts[f], size), "set the font");
    } else {
      HPDF_TextWidth tw =
          HPDF_Font_TextWidth(d_->fonts[f], reinterpret_cast<const HPDF_BYTE*>(r.text.data()),
                              HPDF_UINT(r.text.size()));
      x += float(tw.width) * size / 1000.0f;
    }
  }
}

std::vector<std::string> PdfDoc::wrap(Font f, float size, const std::string& text,
                                      float max_width) const {
  // Widths add up (libharu measures without kerning), so each word is measured once:
  // a table of a few thousand pages wraps hundreds of thousands of cells.
  std::vector<std::string> lines;
  if (width(f, size, text) <= max_width) {
    lines.push_back(text);
    return lines;
  }
  const float space = width(f, size, " ");
  std::string line;
  float line_w = 0;
  auto flush = [&] {
    lines.push_back(line);
    line.clear();
    line_w = 0;
  };
  size_t p = 0;
  while (p <= text.size()) {
    size_t sp = text.find(' ', p);
    if (sp == std::string::npos) sp = text.size();
    std::string word = text.substr(p, sp - p);
    float word_w = width(f, size, word);
    float candidate = line.empty() ? word_w : line_w + space + word_w;
    if (candidate <= max_width) {
      line = line.empty() ? word : line + " " + word;
      line_w = candidate;
    } else {
      if (!line.empty()) flush();
      // A word wider than the line: break it between UTF-8 characters.
      while (word_w > max_width) {
        size_t next = 0;
        float w = 0;
        while (next < word.size()) {
          size_t n = utf8_len(word[next]);
          float cw = width(f, size, word.substr(next, n));
          if (w + cw > max_width) break;
          w += cw;
          next += n;
        }
        size_t cut = next ? next : utf8_len(word[0]);
        line = word.substr(0, cut);
        flush();
        word = word.substr(cut);
        word_w = width(f, size, word);
      }
      line = word;
      line_w = word_w;
    }
    p = sp + 1;
  }
  if (!line.empty() || lines.empty()) flush();
  return lines;
}

void PdfDoc::text(float x, float y, Font f, float size, const std::string& s) {
  check(HPDF_Page_BeginText(d_->page), "begin text");
  check(HPDF_Page_SetFontAndSize(d_->page, d_->fonts[f], size), "set the font");
  text_runs(x, y, f, size, s);
  check(HPDF_Page_EndText(d_->page), "end text");
}

void PdfDoc::line(float x1, float y1, float x2, float y2, float w) {
  check(HPDF_Page_SetLineWidth(d_->page, w), "set the line width");
  check(HPDF_Page_MoveTo(d_->page, x1, y1), "draw");
  check(HPDF_Page_LineTo(d_->page, x2, y2), "draw");
  check(HPDF_Page_Stroke(d_->page), "draw");
}

void PdfDoc::table(const Table& t, float& y) {
  const float pad = 2, lead = t.size * 1.2f;
  auto layout = [&](const std::vector<std::string>& cells, Font f) {
    std::vector<std::vector<std::string>> wrapped;
    size_t lines = 1;
    for (size_t c = 0; c < t.widths.size(); ++c) {
      wrapped.push_back(wrap(f, t.size, c < cells.size() ? cells[c] : "", t.widths[c] - 2 * pad));
      lines = std::max(lines, wrapped.back().size());
    }
    return std::make_pair(wrapped, float(lines) * lead + 2 * pad);
  };
  float total = 0;
  for (float w : t.widths) total += w;
  // A journal's grids are hundreds of thousands of cells, and every operator costs
  // number formatting in libharu: a row is one horizontal rule and one text object; the
  // column rules are drawn once per page, from the header's top to the last row.
  float block_top = y;
  auto rules = [&] {
    float x = left_;
    for (size_t c = 0; c <= t.widths.size(); ++c) {
      check(HPDF_Page_MoveTo(d_->page, x, block_top), "draw");
      check(HPDF_Page_LineTo(d_->page, x, y), "draw");
      if (c < t.widths.size()) x += t.widths[c];
    }
    check(HPDF_Page_Stroke(d_->page), "draw");
  };
  auto draw = [&](const std::vector<std::vector<std::string>>& wrapped, float height, Font f) {
    if (y == block_top) {
      check(HPDF_Page_SetLineWidth(d_->page, 0.5f), "set the line width");
      check(HPDF_Page_MoveTo(d_->page, left_, y), "draw");
      check(HPDF_Page_LineTo(d_->page, left_ + total, y), "draw");
    }
    check(HPDF_Page_MoveTo(d_->page, left_, y - height), "draw");
    check(HPDF_Page_LineTo(d_->page, left_ + total, y - height), "draw");
    check(HPDF_Page_Stroke(d_->page), "draw");
    check(HPDF_Page_BeginText(d_->page), "begin text");
    check(HPDF_Page_SetFontAndSize(d_->page, d_->fonts[f], t.size), "set the font");
    float x = left_;
    for (size_t c = 0; c < t.widths.size(); ++c) {
      for (size_t k = 0; k < wrapped[c].size(); ++k)
        if (!wrapped[c][k].empty())
          text_runs(x + pad, y - pad - t.size - float(k) * lead + 1, f, t.size, wrapped[c][k]);
      x += t.widths[c];
    }
    check(HPDF_Page_EndText(d_->page), "end text");
    y -= height;
  };
  // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
  auto head_layout = layout(t.header, t.header_font);
  const auto& head = head_layout.first;
  const auto head_h = head_layout.second;
  draw(head, head_h, t.header_font);
  auto page_break = [&] {
    rules();
    new_page(t.landscape);
    y = block_top = top_;
    draw(head, head_h, t.header_font);
  };
  for (size_t ri = 0; ri < t.rows.size(); ++ri) {
    const auto& row = t.rows[ri];
    Font font =
        std::find(t.bold_rows.begin(), t.bold_rows.end(), ri) != t.bold_rows.end() ? bold : regular;
    auto [cells, h] = layout(row, font);
    while (y - h < bottom_) {
      if (h <= top_ - head_h - bottom_) {  // fits on a fresh page: never split it
        page_break();
        continue;
      }
      // Taller than a whole page (a very long homework): it continues on the next page,
      // line by line, so that nothing is lost.
      size_t fit = size_t(std::max(0.0f, (y - bottom_ - 2 * pad) / lead));
      if (fit == 0) {
        page_break();
        continue;
      }
      std::vector<std::vector<std::string>> first(cells.size()), rest(cells.size());
      size_t lines = 0;
      for (size_t c = 0; c < cells.size(); ++c) {
        for (size_t k = 0; k < cells[c].size(); ++k)
          (k < fit ? first : rest)[c].push_back(cells[c][k]);
        lines = std::max(lines, rest[c].size());
      }
      draw(first, float(fit) * lead + 2 * pad, font);
      page_break();
      cells = std::move(rest);
      h = float(std::max<size_t>(lines, 1)) * lead + 2 * pad;
    }
    draw(cells, h, font);
  }
  rules();
}

void PdfDoc::bookmark(const std::string& title, int level) {
  HPDF_Encoder enc = HPDF_GetEncoder(d_->doc, "UTF-8");
  HPDF_Outline parent = level > 0 && d_->section ? d_->section : nullptr;
  HPDF_Outline o = HPDF_CreateOutline(d_->doc, parent, title.c_str(), enc);
  if (!o) check(HPDF_FAILD_TO_ALLOC_MEM, "add a bookmark");
  HPDF_Destination dst = HPDF_Page_CreateDestination(d_->page);
  if (!dst) check(HPDF_FAILD_TO_ALLOC_MEM, "add a bookmark");
  check(HPDF_Outline_SetDestination(o, dst), "point a bookmark");
  if (level == 0) {
    d_->section = o;
    // Readers open with the bookmarks shown.
    check(HPDF_SetPageMode(d_->doc, HPDF_PAGE_MODE_USE_OUTLINE), "show the bookmarks");
  } else {
    check(HPDF_Outline_SetOpened(d_->section, HPDF_FALSE), "fold a bookmark");
  }
}

std::string PdfDoc::stamp(const std::vector<std::string>& lines) {
  const float size = 8, lead = 10.5f, pad = 5;
  float w = 0;
  for (const auto& l : lines) w = std::max(w, width(regular, size, l));
  w += 2 * pad;
  float h = float(lines.size()) * lead + 2 * pad;
  float x1 = right_ - w, y1 = bottom_ + 4, x2 = right_, y2 = y1 + h;
  check(HPDF_Page_SetLineWidth(d_->page, 1.2f), "draw the stamp");
  check(HPDF_Page_SetRGBStroke(d_->page, 0.1f, 0.2f, 0.6f), "draw the stamp");
  check(HPDF_Page_Rectangle(d_->page, x1, y1, w, h), "draw the stamp");
  check(HPDF_Page_Stroke(d_->page), "draw the stamp");
  check(HPDF_Page_SetRGBStroke(d_->page, 0, 0, 0), "draw the stamp");
  check(HPDF_Page_SetRGBFill(d_->page, 0.1f, 0.2f, 0.6f), "draw the stamp");
  float y = y2 - pad - size;
  for (size_t i = 0; i < lines.size(); ++i, y -= lead)
    text(x1 + pad, y, i == 0 ? bold : regular, size, lines[i]);
  check(HPDF_Page_SetRGBFill(d_->page, 0, 0, 0), "draw the stamp");
  return fmt::format("{:.2f} {:.2f} {:.2f} {:.2f}", x1, y1, x2, y2);
}

void PdfDoc::qr(float x, float y, float size, const std::string& text) {
  QRcode* code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!code) throw std::runtime_error("libqrencode could not encode " + text);
  const int quiet = 4, n = code->width + 2 * quiet;
  const float m = size / float(n);
  // Dark modules as horizontal runs: one rectangle per run keeps the page small.
  for (int r = 0; r < code->width; ++r)
    for (int c = 0; c < code->width;) {
      if (!(code->data[r * code->width + c] & 1)) {
        ++c;
        continue;
      }
      int run = c;
      while (run < code->width && (code->data[r * code->width + run] & 1)) ++run;
      HPDF_Page_Rectangle(d_->page, x + float(quiet + c) * m, y - float(quiet + r + 1) * m,
                          float(run - c) * m, m);
      c = run;
    }
  QRcode_free(code);
  check(HPDF_Page_Fill(d_->page), "draw a QR code");
}

std::string PdfDoc::finish(const std::string& prefix) {
  for (size_t i = 0; i < d_->pages.size() && !prefix.empty(); ++i) {
    d_->page = d_->pages[i];
    float w = HPDF_Page_GetWidth(d_->page);
    std::string label = prefix + std::to_string(i + 1);
    text((w - width(regular, 9, label)) / 2, 8 * kMm, regular, 9, label);
  }
  check(HPDF_SaveToStream(d_->doc), "write the document");
  HPDF_UINT32 size = HPDF_GetStreamSize(d_->doc);
  std::string out(size, '\0');
  HPDF_UINT32 n = size;
  HPDF_STATUS s = HPDF_ReadFromStream(d_->doc, reinterpret_cast<HPDF_BYTE*>(out.data()), &n);
  if (s != HPDF_OK && s != HPDF_STREAM_EOF) check(s, "read the document back");
  out.resize(n);
  return make_pdfa(out, meta_, &chain_->used());
}

}  // namespace jp
