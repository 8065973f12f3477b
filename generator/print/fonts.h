// The font chain of the printed documents (issue 23): PT Sans stays the face, and each
// character it lacks is drawn from the first fallback font that has it — DejaVu Sans
// (Latin, Greek, Arabic, Hebrew, Armenian, Georgian, the rest of Cyrillic), Droid Sans
// Fallback (Chinese, Japanese), Nanum Gothic (Korean: Droid's fallback has no Hangul
// syllables), the Noto file fontconfig names for the script (fonts-noto-core), then
// Symbola (emoji in black and white). A character none of them has
// is drawn as a box (□) and named in a warning (glyph_warnings), never left out silently.
//
// libharu can neither shape (Arabic joining, marks, right-to-left order) nor address
// characters outside the BMP, so fallback runs are shaped here with HarfBuzz and handed to
// libharu as private-use characters, one per distinct glyph: print/pdfa then rewrites each
// fallback font's CIDToGIDMap, widths and ToUnicode from the table kept here, and replaces
// its font program by an hb-subset of the glyphs drawn. PT Sans text is passed to libharu
// as before, so a document without fallback characters stays byte for byte as it was.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/journal.h"

namespace jp {

/// One glyph of a fallback font as drawn in a document: its private-use character is
/// the CID libharu writes, `gid` the glyph it must show, `text` what it stands for.
struct FallbackGlyph {
  unsigned cid = 0;
  unsigned gid = 0;
  int width = 0;     ///< advance in 1/1000 em (the /W entry)
  std::string text;  ///< UTF-8 (the ToUnicode entry); empty for the 2nd+ glyph of a cluster
};

/// A fallback font used by a document: what print/pdfa needs to finish its font object.
struct FallbackFont {
  std::string file;       ///< the font file (its glyphs are subset from it)
  std::string base_name;  ///< libharu's name for it (the /BaseFont after the subset tag)
  std::vector<FallbackGlyph> glyphs;
};

class FontChain {
 public:
  /// `base_files`: the PT Sans faces (regular, bold, narrow) of PdfDoc::Font. Bold text
  /// (base 1) takes the bold face of a fallback font where its package has one.
  explicit FontChain(std::vector<std::string> base_files);
  ~FontChain();
  FontChain(const FontChain&) = delete;
  FontChain& operator=(const FontChain&) = delete;

  /// A piece of text drawn with one font: `font` -1 is the base face (the text as it is),
  /// else a fallback font (the text is its private-use characters, in visual order).
  struct Run {
    int font = -1;
    std::string text;
    float width = 0;  ///< in 1/1000 em; base runs: 0 (libharu measures them)
  };
  /// Splits `s` into runs. The fast common case — every character in the base face — is a
  /// single base run holding `s`. Code points no font has are added to `missing`.
  std::vector<Run> runs(int base, std::string_view s, std::vector<char32_t>* missing = nullptr);

  /// Whether some font of the chain has a glyph for `cp` (base face 0).
  bool has_glyph(char32_t cp);

  /// The fallback font's file (for libharu to load) and the fonts used so far.
  const std::string& file(int font) const;
  const std::vector<FallbackFont>& used() const { return used_; }
  /// libharu's name for a fallback font, recorded when the document loads it.
  void set_base_name(int font, std::string name) { used_[font].base_name = std::move(name); }

 private:
  struct Face;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<FallbackFont> used_;
};

/// The warnings of a journal's texts that the PDFs cannot draw: one per record and code
/// point, `remark r-17 (student s0034): U+1FAE8 has no glyph; drawn as □`.
std::vector<std::string> glyph_warnings(const Journal& j);

}  // namespace jp
