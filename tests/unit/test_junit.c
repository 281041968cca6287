/* Unit tests for client/junit.c: the report and its XML escaping. */
#include "harness.h"

#include "hearth.h"

static char *
escaped(const char *s, size_t len)
{
	struct buf	 b = BUF_INIT;

	junit_escape(&b, s, len);
	return (buf_detach(&b, NULL));
}

static void
test_escape(void **state)
{
	char	*s;

	(void)state;
	s = escaped("a<b>&\"c'", 8);
	assert_string_equal(s, "a&lt;b&gt;&amp;&quot;c&apos;");
	free(s);
	/* Colours and control characters go; tabs and newlines stay. */
	s = escaped("\x1b[31;1merror:\x1b[0m x\ty\n\x01\x7f", 25);
	assert_string_equal(s, "error: x\ty\n");
	free(s);
	/* UTF-8 stays; what is not UTF-8 becomes U+FFFD. */
	s = escaped("caf\xc3\xa9 \xff \xc0\xaf \xed\xa0\x80 \xf0\x9f\x94\xa5",
	    20);
	assert_string_equal(s, "caf\xc3\xa9 \xef\xbf\xbd \xef\xbf\xbd"
	    "\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xf0\x9f\x94\xa5");
	free(s);
	/* A sequence cut short at the end. */
	s = escaped("a\xe2\x82", 3);
	assert_string_equal(s, "a\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
}

static void
test_report(void **state)
{
	struct junit	*j;
	struct buf	 b = BUF_INIT;

	(void)state;
	j = junit_new("hearth check /w<s>");
	junit_pass(j, "lock", 120);
	junit_fail(j, "build api", 1500, "error: builder for 'x' failed",
	    "error: builder for 'x' failed\n> <boom> & more\n");
	junit_skip(j, "tools", "no .hearth-tools");
	junit_encode(j, &b);
	assert_non_null(strstr(b.data, "<?xml version=\"1.0\" "
	    "encoding=\"UTF-8\"?>\n<testsuites tests=\"3\" failures=\"1\" "
	    "errors=\"0\" skipped=\"1\" time=\"1.620\">"));
	assert_non_null(strstr(b.data, "<testsuite name=\"hearth check "
	    "/w&lt;s&gt;\" tests=\"3\" failures=\"1\""));
	assert_non_null(strstr(b.data, "<testcase classname=\"hearth.check\" "
	    "name=\"lock\" time=\"0.120\"/>"));
	assert_non_null(strstr(b.data, "<failure type=\"failure\" "
	    "message=\"error: builder for &apos;x&apos; failed\">error: "
	    "builder for &apos;x&apos; failed\n&gt; &lt;boom&gt; &amp; more\n"
	    "</failure>"));
	assert_non_null(strstr(b.data, "<skipped message=\"no "
	    ".hearth-tools\"/>"));
	assert_non_null(strstr(b.data, "</testsuite>\n</testsuites>\n"));
	junit_free(j);
	buf_release(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_escape),
	cmocka_unit_test(test_report),
};

HARNESS_MAIN(tests)
