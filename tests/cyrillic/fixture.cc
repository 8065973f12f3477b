// Not compiled: read by tests/unit/cyrillic_literals_test.cc. A line starting with /*!*/
// starts a literal holding Cyrillic, which the test must catch; no other line may be caught.
// Комментарий по-русски: allowed, as are the ones below.
#include <string>

/* Блочный комментарий с "кавычками" и 'апострофом'
   на двух строках */
int thousands = 1'000'000;  // разделители разрядов: not a character literal
double tiny = 1.5e-3'0;     // число
const char* url = "http://example.ru/";  // ссылка: the // in the string is no comment
char quote = '"';                        // кавычка в символьном литерале
const char* escaped = "a \" b";          // экранированная кавычка
const char* path = R"(C:\dir\)";         // сырая строка без кириллицы
const char* latin = "Ivanov";            /* фамилия */
/*!*/ const char* text = "с. 5";
/*!*/ const char8_t* u8s = u8"строка";
/*!*/ const wchar_t* wide = L"широкая";
/*!*/ const char* bytes = "\xd0\x90";
/*!*/ const char* octal = "\320\220";
/*!*/ const char* ucn = "\u0416";
/*!*/ const char* big_ucn = "\U00000416";
/*!*/ const wchar_t* wide_hex = L"\x416";
/*!*/ const char* raw = R"(сырая)";
/*!*/ const char* raw_delim = R"jp(кавычка )" внутри)jp";
/*!*/ const char* raw_lines = R"(первая
вторая)"; const char* after = "x";
/*!*/ char16_t letter = u'ж';
/*!*/ char32_t letter32 = U'\u0436';
/*!*/ const char* after_comment = /* "а" */ "б";
/*!*/ const char* after_escape = "\"" "я";
/*!*/ #define WORDING "Итоговая"
/*!*/ const char* not_in_comment = "// не комментарий";
char apostrophe = '\'';  // апостроф
const char* last = "end";  // конец
