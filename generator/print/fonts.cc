#include "print/fonts.h"

#include <fmt/format.h>
#include <fontconfig/fontconfig.h>
#include <hb.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "core/records.h"
#include "core/text.h"

namespace jp {
namespace {

// The fallback fonts by file path (Debian 12's packages); the Noto file of a script is
// asked of fontconfig, as only a few of fonts-noto-core's 268 files are ever needed.
const char* kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const char* kDroid = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
const char* kSymbola = "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf";
// Droid Sans Fallback has no Hangul: Korean comes from fonts-nanum's Nanum Gothic.
const char* kNanum = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf";
const char* kNotoDir = "/usr/share/fonts/truetype/noto/";
constexpr int kDejaVuIx = 0, kDroidIx = 1, kSymbolaIx = 2, kNanumIx = 3;
constexpr char32_t kBox = 0x25A1;  // □, DejaVu Sans has it
// libharu writes the UTF-16 code units of its text as CIDs, and a fallback font's glyphs
// are addressed by private-use characters: 6400 distinct glyphs per font and document.
constexpr unsigned kFirstCid = 0xE000, kLastCid = 0xF8FF;

/// Characters that draw nothing and need no glyph: zero-width ones, variation selectors,
/// and control characters (a font's .notdef or a box for them would be a stray mark; tabs
/// and line breaks are spaces by then, see runs()).
bool ignorable(char32_t cp) {
  return is_zero_width(cp) || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) ||
         cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/// Characters that belong to the character before them (one cluster, one font).
bool extends(char32_t cp) {
  auto cat = hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);
  return cat == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
         cat == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
         cat == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK || ignorable(cp) ||
         (cp >= 0x1F3FB && cp <= 0x1F3FF);  // emoji skin tones
}

}  // namespace

struct FontChain::Face {
  std::string file;
  hb_blob_t* blob = nullptr;
  hb_face_t* face = nullptr;
  hb_font_t* font = nullptr;
  hb_set_t* unicodes = nullptr;
  unsigned upem = 1000;

  explicit Face(std::string f) : file(std::move(f)) {
    blob = hb_blob_create_from_file_or_fail(file.c_str());
    if (!blob)
      throw std::runtime_error(fmt::format(
          "cannot read the font {} (scripts/install-deps installs the fonts of the PDFs)", file));
    face = hb_face_create(blob, 0);
    font = hb_font_create(face);
    upem = hb_face_get_upem(face);
    unicodes = hb_set_create();
    hb_face_collect_unicodes(face, unicodes);
  }
  ~Face() {
    hb_set_destroy(unicodes);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
  }
  Face(const Face&) = delete;
  Face& operator=(const Face&) = delete;
  bool has(char32_t cp) const { return hb_set_has(unicodes, cp); }
  int width(unsigned gid) const {
    return int(std::lround(double(hb_font_get_glyph_h_advance(font, gid)) * 1000.0 / upem));
  }
};

struct FontChain::Impl {
  std::vector<std::unique_ptr<Face>> base;
  std::vector<std::unique_ptr<Face>> fallback;  ///< loaded on first need; index = font
  std::unordered_map<char32_t, int> noto;       ///< code point -> font (-2: none)
  std::vector<std::map<std::pair<unsigned, std::string>, unsigned>> cids;

  Face& face(int f, std::vector<FallbackFont>& used) {
    if (!fallback[f]) fallback[f] = std::make_unique<Face>(used[f].file);
    return *fallback[f];
  }

  /// The font index of a file, registered on first use.
  int index(const std::string& path, std::vector<FallbackFont>& used) {
    for (size_t f = 0; f < used.size(); ++f)
      if (used[f].file == path) return int(f);
    used.push_back({path, "", {}});
    fallback.emplace_back();
    cids.emplace_back();
    return int(used.size() - 1);
  }

  /// The bold face of a fallback font when its package has one with every character of
  /// `cps` (DejaVu Sans Bold, Nanum Gothic Bold, a Noto `-Bold` file); else the font itself.
  int bold(int f, const std::vector<char32_t>& cps, std::vector<FallbackFont>& used) {
    std::string path = used[f].file, b;
    auto swap = [&](const std::string& from, const std::string& to) {
      size_t at = path.rfind(from);
      if (b.empty() && at != std::string::npos)
        b = path.substr(0, at) + to + path.substr(at + from.size());
    };
    swap("/DejaVuSans.ttf", "/DejaVuSans-Bold.ttf");
    swap("/NanumGothic.ttf", "/NanumGothicBold.ttf");
    swap("-Regular.", "-Bold.");
    if (b.empty() || access(b.c_str(), R_OK) != 0) return f;
    int bf = index(b, used);
    for (char32_t cp : cps)
      if (!ignorable(cp) && !face(bf, used).has(cp)) return f;
    return bf;
  }

  /// The Noto file fontconfig finds for `cp` (its index, loaded), or -1.
  int noto_font(char32_t cp, std::vector<FallbackFont>& used) {
    if (auto it = noto.find(cp); it != noto.end()) return it->second;
    int found = -1;
    FcPattern* pat = FcPatternCreate();
    FcCharSet* cs = FcCharSetCreate();
    FcCharSetAddChar(cs, cp);
    FcPatternAddCharSet(pat, FC_CHARSET, cs);
    FcPatternAddString(pat, FC_FAMILY, reinterpret_cast<const FcChar8*>("Noto Sans"));
    FcPatternAddInteger(pat, FC_WEIGHT, FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
    FcConfigSubstitute(nullptr, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcFontSet* set = FcFontSort(nullptr, pat, FcFalse, nullptr, &res);
    for (int i = 0; set && i < set->nfont && found < 0; ++i) {
      FcChar8* file = nullptr;
      FcCharSet* has = nullptr;
      if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) != FcResultMatch ||
          FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &has) != FcResultMatch)
        continue;
      std::string path(reinterpret_cast<const char*>(file));
      // fonts-noto-core's regular TrueType files only (the chain's other fonts come first).
      if (path.rfind(kNotoDir, 0) != 0 || path.find("-Regular.") == std::string::npos ||
          !FcCharSetHasChar(has, cp))
        continue;
      found = index(path, used);
    }
    if (set) FcFontSetDestroy(set);
    FcCharSetDestroy(cs);
    FcPatternDestroy(pat);
    // The file said it has the character; its cmap decides (fontconfig's cache may be stale).
    if (found >= 0 && !face(found, used).has(cp)) found = -1;
    noto[cp] = found;
    return found;
  }

  /// The first fallback font with every drawn character of `cps`, or -1.
  int fallback_for(const std::vector<char32_t>& cps, std::vector<FallbackFont>& used) {
    auto all_in = [&](int f) {
      Face& fc = face(f, used);
      for (char32_t cp : cps)
        if (!ignorable(cp) && !fc.has(cp)) return false;
      return true;
    };
    if (all_in(kDejaVuIx)) return kDejaVuIx;
    if (all_in(kDroidIx)) return kDroidIx;
    if (hb_unicode_script(hb_unicode_funcs_get_default(), cps.front()) == HB_SCRIPT_HANGUL &&
        all_in(kNanumIx))
      return kNanumIx;
    char32_t first = cps.front();
    for (char32_t cp : cps)
      if (!ignorable(cp)) {
        first = cp;
        break;
      }
    // Symbols and emoji (script Common) from Symbola, in black and white as the page is;
    // letters of a script from its Noto file.
    bool symbol = hb_unicode_script(hb_unicode_funcs_get_default(), first) == HB_SCRIPT_COMMON;
    if (symbol && all_in(kSymbolaIx)) return kSymbolaIx;
    // PUA characters of the input are not drawn from any font: their CIDs are ours.
    if (!(first >= kFirstCid && first <= kLastCid)) {
      int n = noto_font(first, used);
      if (n >= 0 && all_in(n)) return n;
    }
    if (!symbol && all_in(kSymbolaIx)) return kSymbolaIx;
    return -1;
  }

  unsigned cid(int f, unsigned gid, const std::string& text, int width,
               std::vector<FallbackFont>& used) {
    auto key = std::make_pair(gid, text);
    auto it = cids[f].find(key);
    if (it != cids[f].end()) return it->second;
    unsigned c = kFirstCid + unsigned(cids[f].size());
    if (c > kLastCid)
      throw std::runtime_error(fmt::format(
          "a document draws more than {} different glyphs of the font {}, more than a PDF "
          "of journalpress can address",
          kLastCid - kFirstCid + 1, used[f].file));
    cids[f].emplace(key, c);
    used[f].glyphs.push_back({c, gid, width, text});
    return c;
  }
};

FontChain::FontChain(std::vector<std::string> base_files) : impl_(std::make_unique<Impl>()) {
  for (auto& f : base_files) impl_->base.push_back(std::make_unique<Face>(f));
  for (const char* f : {kDejaVu, kDroid, kSymbola, kNanum}) {
    used_.push_back({f, "", {}});
    impl_->fallback.emplace_back();
    impl_->cids.emplace_back();
  }
}

FontChain::~FontChain() = default;

const std::string& FontChain::file(int font) const { return used_[font].file; }

bool FontChain::has_glyph(char32_t cp) {
  if (ignorable(cp) || impl_->base[0]->has(cp)) return true;
  return impl_->fallback_for({cp}, used_) >= 0;
}

std::vector<FontChain::Run> FontChain::runs(int base, std::string_view s,
                                            std::vector<char32_t>* missing) {
  // Tabs and line breaks of free text read as spaces on a laid-out line.
  if (s.find_first_of("\t\n\r") != std::string_view::npos) {
    std::string spaced(s);
    for (char& c : spaced)
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return runs(base, spaced, missing);
  }
  Face& b = *impl_->base[base];
  // The common case: every character in PT Sans.
  {
    size_t i = 0;
    bool all = true;
    while (i < s.size() && all) all = b.has(next_cp(s, i));
    if (all) return {Run{-1, std::string(s), 0}};
  }
  // Clusters (a character with its marks, joiners and selectors), each with its font:
  // -1 the base face, -2 nothing to draw, -3 no font (a box), else a fallback font.
  struct Cluster {
    size_t from, to;
    std::vector<char32_t> cps;
    int font = -1;
  };
  std::vector<Cluster> cl;
  for (size_t i = 0; i < s.size();) {
    size_t from = i;
    std::vector<char32_t> cps{next_cp(s, i)};
    while (i < s.size()) {
      size_t j = i;
      char32_t cp = next_cp(s, j);
      if (!extends(cp) && cps.back() != 0x200D) break;
      cps.push_back(cp);
      i = j;
    }
    cl.push_back({from, i, std::move(cps)});
  }
  std::vector<Cluster> split;
  for (auto& c : cl) {
    bool drawn = false, in_base = true;
    for (char32_t cp : c.cps) {
      if (ignorable(cp)) continue;
      drawn = true;
      in_base = in_base && b.has(cp);
    }
    if (!drawn) {
      c.font = -2;
    } else if (!in_base) {
      c.font = impl_->fallback_for(c.cps, used_);
      if (c.font >= 0 && base == 1) c.font = impl_->bold(c.font, c.cps, used_);
      if (c.font < 0 && c.cps.size() > 1) {
        // No font has the whole cluster: its characters one by one.
        size_t at = c.from;
        for (char32_t cp : c.cps) {
          std::string u;
          put_cp(u, cp);
          Cluster one{at, at + u.size(), {cp}};
          at += u.size();
          if (ignorable(cp))
            one.font = -2;
          else if (b.has(cp))
            one.font = -1;
          else if ((one.font = impl_->fallback_for({cp}, used_)) < 0)
            one.font = -3;
          else if (base == 1)
            one.font = impl_->bold(one.font, {cp}, used_);
          split.push_back(std::move(one));
        }
        continue;
      }
      if (c.font < 0) c.font = -3;
    }
    split.push_back(std::move(c));
  }
  cl = std::move(split);
  // A space between two clusters of one fallback font joins them: a right-to-left name of
  // two words is shaped, and so ordered, as one run.
  for (size_t k = 1; k + 1 < cl.size(); ++k)
    if (cl[k].font == -1 && cl[k].cps.size() == 1 && cl[k].cps[0] == ' ' && cl[k - 1].font >= 0 &&
        cl[k - 1].font == cl[k + 1].font && impl_->face(cl[k - 1].font, used_).has(' '))
      cl[k].font = cl[k - 1].font;

  std::vector<Run> out;
  for (size_t k = 0; k < cl.size();) {
    int f = cl[k].font;
    size_t e = k;
    std::string text;
    while (e < cl.size() && cl[e].font == f) {
      text.append(s.substr(cl[e].from, cl[e].to - cl[e].from));
      ++e;
    }
    if (f == -2) {
      k = e;
      continue;
    }
    Run r{f, "", 0};
    if (f == -1) {
      // Zero-width characters PT Sans lacks would be drawn as gaps: left out.
      for (size_t i = 0; i < text.size();) {
        size_t from = i;
        if (!ignorable(next_cp(text, i))) r.text.append(text, from, i - from);
      }
    } else if (f == -3) {
      Face& dv = impl_->face(kDejaVuIx, used_);
      hb_codepoint_t gid = 0;
      hb_font_get_nominal_glyph(dv.font, kBox, &gid);
      int w = dv.width(gid);
      for (size_t c = k; c < e; ++c) {
        for (char32_t cp : cl[c].cps)
          if (!ignorable(cp) && missing) missing->push_back(cp);
        // The box stands for the characters as stored: text extraction gives them back.
        std::string t(s.substr(cl[c].from, cl[c].to - cl[c].from));
        put_cp(r.text, impl_->cid(kDejaVuIx, gid, t, w, used_));
        r.width += float(w);
      }
      r.font = kDejaVuIx;
    } else {
      Face& fc = impl_->face(f, used_);
      hb_buffer_t* buf = hb_buffer_create();
      hb_buffer_add_utf8(buf, text.data(), int(text.size()), 0, int(text.size()));
      hb_buffer_set_flags(buf, HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES);
      hb_buffer_guess_segment_properties(buf);
      hb_shape(fc.font, buf, nullptr, 0);
      unsigned n = 0;
      hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &n);
      // What ToUnicode gives back: a cluster's characters go to its glyphs in drawing
      // order, one each, the last glyph taking the rest. A Devanagari `नि` is drawn as the
      // vowel sign and then the consonant, and reads back as न, ि: the text as stored.
      std::set<unsigned> starts;
      for (unsigned g = 0; g < n; ++g) starts.insert(info[g].cluster);
      std::map<unsigned, unsigned> glyphs_of;
      for (unsigned g = 0; g < n; ++g) ++glyphs_of[info[g].cluster];
      std::map<unsigned, size_t> taken;  // cluster -> bytes of its text given out so far
      for (unsigned g = 0; g < n; ++g) {
        unsigned c = info[g].cluster;
        auto next = starts.upper_bound(c);
        size_t to = next == starts.end() ? text.size() : *next;
        size_t at = c + taken[c];
        std::string t;
        if (at < to) {
          size_t end = to;
          if (--glyphs_of[c] > 0) {  // not the cluster's last glyph: one character
            end = at;
            next_cp(text, end);
          }
          t = text.substr(at, end - at);
          taken[c] += end - at;
        }
        int w = fc.width(info[g].codepoint);
        put_cp(r.text, impl_->cid(f, info[g].codepoint, t, w, used_));
        r.width += float(w);
      }
      hb_buffer_destroy(buf);
    }
    if (!r.text.empty()) out.push_back(std::move(r));
    k = e;
  }
  return out;
}

namespace {

/// Visits a record's text fields (core/records.h) and notes what no font can draw.
struct GlyphScan {
  FontChain& chain;
  const std::function<std::string()>& label;  ///< made only for a warning: marks are many
  std::vector<std::string>& out;
  std::set<char32_t> seen;

  void check(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
      char32_t cp = next_cp(s, i);
      if (cp < 0x80 || chain.has_glyph(cp) || !seen.insert(cp).second) continue;
      out.push_back(
          fmt::format("{}: U+{:04X} has no glyph; drawn as \u25A1", label(), unsigned(cp)));
    }
  }
  void text(const Field&, const std::string& s) { check(s); }
  void person(const Field&, const Person& p) {
    check(p.last_name);
    check(p.first_name);
    check(p.middle_name);
  }
  template <class T>
  void records(const Field&, const std::vector<T>& v) {
    for (const auto& r : v) describe(*this, r);
  }
  // Ids, dates, numbers and choices are ASCII or checked by the importer.
  template <class T>
  void id(const Field&, const T&) {}
  void text_or_int(const Field&, const std::string& s) { check(s); }
  template <class T>
  void one_of(const Field&, const T&) {}
  template <class... T>
  void timestamp(const Field&, const T&...) {}
  template <class... T>
  void nullable_value(const Field&, const T&...) {}
  template <class T>
  void integer(const Field&, const T&) {}
  template <class T>
  void positive(const Field&, const T&) {}
  template <class T>
  void boolean(const Field&, const T&) {}
  template <class T>
  void date(const Field&, const T&) {}
  template <class T>
  void clock(const Field&, const T&) {}
  template <class T>
  void strings(const Field&, const T&) {}
  template <class T>
  void grades(const Field&, const T&) {}
};

}  // namespace

std::vector<std::string> glyph_warnings(const Journal& j) {
  FontChain chain({"/usr/share/fonts/truetype/paratype/PTS55F.ttf"});
  std::vector<std::string> out;
  auto scan = [&](const std::function<std::string()>& label, const auto& rec) {
    GlyphScan v{chain, label, out, {}};
    describe(v, rec);
  };
  auto named = [](const char* kind, const std::string& id) {
    return [kind, &id] { return fmt::format("{} {}", kind, id); };
  };
  scan(named("school", j.school.id), j.school);
  for (const auto& x : j.periods) scan(named("period", x.id), x);
  for (const auto& x : j.holidays) scan(named("holiday", x.name), x);
  for (const auto& x : j.work_types) scan(named("work type", x.id), x);
  for (const auto& x : j.subjects) scan(named("subject", x.id), x);
  for (const auto& x : j.teachers) scan(named("teacher", x.id), x);
  for (const auto& x : j.classes) scan(named("class", x.id), x);
  for (const auto& x : j.students) scan(named("student", x.id), x);
  for (const auto& x : j.guardians) scan(named("guardian", x.id), x);
  for (const auto& x : j.lessons) scan(named("lesson", x.id), x);
  for (const auto& x : j.individual_homework)
    scan([&] { return fmt::format("homework of lesson {} (student {})", x.lesson, x.student); }, x);
  for (const auto& x : j.marks)
    scan([&] { return fmt::format("mark {} (student {})", x.id, x.student); }, x);
  for (const auto& x : j.remarks)
    scan([&] { return fmt::format("remark {} (student {})", x.id, x.student); }, x);
  for (const auto& x : j.events) scan(named("event", x.id), x);
  return out;
}

}  // namespace jp
