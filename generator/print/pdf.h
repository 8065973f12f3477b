// A small layer over libharu 2.3 for the printed documents: one document with the
// Cyrillic fonts loaded once (and the fallback fonts of print/fonts when a text needs them), A4 pages with a mirrored binding margin for duplex printing,
// our own line breaking (libharu's TextRect silently drops what does not fit), tables that
// break across pages with repeated headers, and numbered pages. Produces bytes in memory.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "print/fonts.h"
#include "print/pdfa.h"

namespace jp {

class PdfDoc {
 public:
  enum Font { regular, bold, narrow };
  /// Fonts are embedded from fonts-paratype (PT Sans, PT Sans Narrow); characters they lack
  /// from the fallback fonts of print/fonts, loaded when a text needs them.
  PdfDoc(const std::string& title, const std::string& author, const std::string& subject);
  ~PdfDoc();
  PdfDoc(const PdfDoc&) = delete;
  PdfDoc& operator=(const PdfDoc&) = delete;

  /// The record being drawn (`student s1`), named with the document's title in any
  /// libharu failure, so that an odd record can be found; empty: none in particular.
  void set_record(std::string record) { record_ = std::move(record); }

  /// The document's creation date (the build's school date: the bytes stay reproducible).
  void set_date(int year, int month, int day);
  /// Starts a page; the inner (binding) margin is 25 mm, on the left of odd pages and the
  /// right of even ones. In A5 mode, starts the next A5 half instead (see `use_a5_halves`).
  void new_page(bool landscape);
  int pages() const;
  /// Two A5 portrait halves per A4 landscape sheet (printed one-sided and cut): from now on
  /// `new_page` moves to the right half of the current sheet, or to the left half of a new
  /// one. The box of each half has 12 mm margins.
  void use_a5_halves() { a5_ = true; }
  /// Whether the current box is the left half of its sheet (A5 mode) — the caller may want
  /// the next item on a fresh sheet.
  bool on_left_half() const { return a5_ && half_ == 0; }
  /// The printable box of the current page (PDF points, origin bottom left).
  float left() const { return left_; }
  float right() const { return right_; }
  float top() const { return top_; }
  float bottom() const { return bottom_; }

  float width(Font f, float size, const std::string& text) const;
  /// Breaks text into lines no wider than `max_width` (at spaces; a word longer than the
  /// line is broken between characters, never inside a UTF-8 character).
  std::vector<std::string> wrap(Font f, float size, const std::string& text, float max_width) const;
  void text(float x, float y, Font f, float size, const std::string& text);
  void line(float x1, float y1, float x2, float y2, float width = 0.5f);

  /// A table: column widths in points; cells wrap; rows never split; the header row is
  /// repeated on every page. `y` is where the table starts and is left below it.
  struct Table {
    std::vector<float> widths;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    float size = 8;
    Font header_font = narrow;
    bool landscape = true;
    std::vector<size_t> bold_rows;  ///< rows set in bold (e.g. a group's heading)
  };
  void table(const Table& t, float& y);

  /// A bookmark (outline entry) to the current page; `level` 0 is a section, 1 a part of
  /// the last section.
  void bookmark(const std::string& title, int level = 0);

  /// Draws a framed stamp of text lines at the bottom right of the current page, above the
  /// page number; returns its rectangle as "x1 y1 x2 y2" (for the signature's widget).
  std::string stamp(const std::vector<std::string>& lines);

  /// Draws a QR code of `text` (error correction M) as a square of side `size` points with
  /// its top left corner at (x, y), quiet zone included.
  void qr(float x, float y, float size, const std::string& text);

  /// Adds `<prefix>N` page numbers to every page (none when the prefix is empty) and returns
  /// the finished PDF, made PDF/A-1b (print/pdfa.h).
  std::string finish(const std::string& page_label_prefix);

 private:
  /// libharu's objects (defined in pdf.cc, so that hpdf.h stays inside print/'s sources);
  /// the document is freed with it, also when the constructor throws half-way.
  struct Doc;
  void check(unsigned long status, const char* what) const;  ///< status: an HPDF_STATUS
  /// Draws `s` at (x, y) inside a text object whose font is `f`: PT Sans text as one
  /// TextOut, as before; fallback runs each in their font, then `f` again.
  void text_runs(float x, float y, Font f, float size, const std::string& s);
  /// Sets the fallback font `font` of the chain on the page (loaded when first drawn).
  void use_fallback(int font, float size);
  std::unique_ptr<Doc> d_;
  std::unique_ptr<FontChain> chain_;
  /// Widths (in 1/1000 of the size) of texts drawn wholly in PT Sans, by font: a class
  /// journal measures the same marks, dates and names thousands of times, and libharu
  /// finds each character's glyph by a linear search.
  mutable std::unordered_map<std::string, float> widths_[3];
  bool a5_ = false;
  int half_ = 0;
  float left_ = 0, right_ = 0, top_ = 0, bottom_ = 0;
  unsigned long error_ = 0, detail_ = 0;
  std::string record_;
  PdfMeta meta_;
};

/// For the tests: how many of the 65,536 code points libharu maps to another glyph of the
/// TrueType font `file` once its cmap is made flat (FlatCmaps in pdf.cc) than before.
size_t flat_cmap_mismatches(const std::string& file);

}  // namespace jp
