#include "site/render_html.h"

#include <catch2/catch.hpp>
#include <span>
#include <stdexcept>

#include "site/skeleton.h"

using namespace jp;

TEST_CASE("markdown: a homework that starts with a block HTML tag is shown as text, not dropped") {
  // cmark's safe mode replaced the whole block by a comment: the homework vanished.
  CHECK(markdown_html("<p>Упр. 5, стр. 12</p>") == "<p>&lt;p&gt;Упр. 5, стр. 12&lt;/p&gt;</p>\n");
  CHECK(markdown_html("<div>\nПараграф 3\n</div>\n\n**Выучить** правило") ==
        "<p>&lt;div&gt;\nПараграф 3\n&lt;/div&gt;</p>\n<p><strong>Выучить</strong> правило</p>\n");
  CHECK(markdown_html("Прочитать <b>главу</b> 2") ==
        "<p>Прочитать &lt;b&gt;главу&lt;/b&gt; 2</p>\n");
  CHECK(markdown_html("<script>alert(1)</script>") ==
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
  CHECK(markdown_plain("<p>Упр. 5</p>\n\nи <i>№ 7</i>") == "<p>Упр. 5</p> и <i>№ 7</i>");
}

TEST_CASE("markdown: unsafe links are still dropped") {
  CHECK(markdown_html("[x](javascript:alert(1))") ==
        "<p><a rel=\"noreferrer noopener\" href=\"\">x</a></p>\n");
}

TEST_CASE("markdown: nothing loads from another host; links carry no referrer") {
  // An image would be fetched from the tracker whenever the page opens.
  CHECK(markdown_html("Схема: ![рисунок 1](https://tracker.example/i.png \"t\")") ==
        "<p>Схема: <a rel=\"noreferrer noopener\" href=\"https://tracker.example/i.png\" "
        "title=\"t\">рисунок 1</a></p>\n");
  CHECK(markdown_html("![](//tracker.example/i.png)") ==
        "<p><a rel=\"noreferrer noopener\" href=\"//tracker.example/i.png\">"
        "//tracker.example/i.png</a></p>\n");
  CHECK(markdown_html("[учебник](https://edu.example/book) и <https://x.example/>") ==
        "<p><a rel=\"noreferrer noopener\" href=\"https://edu.example/book\">учебник</a> и "
        "<a rel=\"noreferrer noopener\" href=\"https://x.example/\">https://x.example/</a></p>\n");
  // Text that looks like a link tag stays text.
  CHECK(markdown_html("`<a href=\"x\">`") == "<p><code>&lt;a href=&quot;x&quot;&gt;</code></p>\n");
  CHECK(markdown_plain("![рисунок 1](https://tracker.example/i.png)") == "рисунок 1");
}

TEST_CASE("skeleton: a page split at its content is the page filled whole") {
  // The diary writes a child's page into one string: the layout up to the content, the
  // content, the rest. The split must give the same bytes as filling the content in.
  Skeleton sk("<title>{{title}}</title>{{#child}}<p>{{child}}</p>{{/child}}\n{{{content}}}\n"
              "<footer>{{footer}}</footer>",
              {"title", "content", "child", "footer"});
  const std::string_view values[]{"Неделя <1>", "<ol>\"&\"</ol>", "Иванов & Ко", "«сноска»'"};
  std::string whole;
  sk.fill_all(whole, values);
  CHECK(whole ==
        "<title>Неделя &lt;1&gt;</title><p>Иванов &amp; Ко</p>\n<ol>\"&\"</ol>\n"
        "<footer>«сноска»&apos;</footer>");
  std::string split = "prefix:";
  const std::string_view no_content[]{values[0], "", values[2], values[3]};
  size_t slot = sk.fill_to(split, no_content, 1);
  split += values[1];
  sk.fill_from(split, no_content, slot);
  CHECK(split == "prefix:" + whole);
  CHECK(sk({"a", "b", "c", "d"}) == "<title>a</title><p>c</p>\nb\n<footer>d</footer>");
}

TEST_CASE("skeleton: splitting at a variable used twice or not at all is refused") {
  Skeleton twice("{{a}}-{{{b}}}-{{a}}", {"a", "b", "c"});
  const std::string_view values[]{"1", "2", "3"};
  std::string out;
  CHECK_THROWS_AS(twice.fill_to(out, values, 0), std::logic_error);  // twice
  CHECK_THROWS_AS(twice.fill_to(out, values, 2), std::logic_error);  // not in the template
  CHECK(twice.fill_to(out, values, 1) == 1);
  CHECK(out == "1-");
  CHECK_THROWS_AS(twice.fill_all(out, std::span(values, 2)), std::logic_error);
}
