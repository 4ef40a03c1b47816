/*
 * test_ikesa.c - the daemon's IKE SA record (host/ikesa.c) and the
 * address helpers beside it (host/ike_sock.c):
 *
 *  - the task queue: first in, first out (charon's task manager queues
 *    each exchange and runs them one at a time), one task of a kind and
 *    target queued once, -1 when full;
 *  - CHILD SAs added, found by inbound SPI and deleted with the others'
 *    order kept;
 *  - the request kept for retransmission and the response kept for the
 *    peer's retransmits (RFC 7296 2.1), each replacing the last;
 *  - the table: found by our SPI (SPIi if we initiated, else SPIr), a
 *    responder's half-open SA by SPIi and the peer's address, and freed
 *    from the head, the middle and the end of its list;
 *  - addresses printed as strongSwan's %#H does ("192.0.2.1[500]",
 *    "2001:db8::1[4500]", no port when it is 0: host.c's printf hook) and
 *    compared with and without the port.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "ike_sock.h"
#include "ikesa.h"

static struct sockaddr_storage
sa(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
	} else {
		assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
	}
	return ss;
}

/* ---- tasks ------------------------------------------------------------- */

static void
test_tasks(void **state)
{
	struct ikesa_table t = { 0 };
	struct ikesa *s = ikesa_new(&t, "gw", 1);
	struct ikesa_task k;
	size_t i;

	(void)state;
	assert_int_equal(ikesa_task_pop(s, &k), -1);
	assert_int_equal(ikesa_task_add(s, TASK_CHILD, "net", 0), 0);
	assert_int_equal(ikesa_task_add(s, TASK_REKEY, NULL, 0xc1000001), 0);
	assert_int_equal(ikesa_task_add(s, TASK_DPD, NULL, 0), 0);
	/* the same again: not queued twice, and no error */
	assert_int_equal(ikesa_task_add(s, TASK_CHILD, "net", 0), 0);
	assert_int_equal(ikesa_task_add(s, TASK_REKEY, "", 0xc1000001), 0);
	assert_int_equal(s->ntask, 3);
	/* another target of the same kind is another task */
	assert_int_equal(ikesa_task_add(s, TASK_CHILD, "net2", 0), 0);
	assert_int_equal(ikesa_task_add(s, TASK_REKEY, NULL, 0xc1000002), 0);
	assert_int_equal(ikesa_task_add(s, TASK_DEL_IKE, NULL, 0), 0);
	assert_int_equal(s->ntask, 6);

	/* in the order queued */
	assert_int_equal(ikesa_task_pop(s, &k), 0);
	assert_int_equal(k.kind, TASK_CHILD);
	assert_string_equal(k.name, "net");
	assert_int_equal(ikesa_task_pop(s, &k), 0);
	assert_int_equal(k.kind, TASK_REKEY);
	assert_string_equal(k.name, "");
	assert_int_equal(k.spi, 0xc1000001);
	assert_int_equal(ikesa_task_pop(s, &k), 0);
	assert_int_equal(k.kind, TASK_DPD);
	/* once popped, the same task may be queued again, at the end */
	assert_int_equal(ikesa_task_add(s, TASK_CHILD, "net", 0), 0);
	assert_int_equal(ikesa_task_pop(s, &k), 0);
	assert_string_equal(k.name, "net2");
	assert_int_equal(ikesa_task_pop(s, &k), 0);
	assert_int_equal(k.spi, 0xc1000002);
	assert_int_equal(ikesa_task_pop(s, &k), 0);
	assert_int_equal(k.kind, TASK_DEL_IKE);
	assert_int_equal(ikesa_task_pop(s, &k), 0);
	assert_int_equal(k.kind, TASK_CHILD);
	assert_string_equal(k.name, "net");
	assert_int_equal(ikesa_task_pop(s, &k), -1);

	/* full: -1, and what was queued stays */
	for (i = 0; i < IKESA_TASK_MAX; i++)
		assert_int_equal(ikesa_task_add(s, TASK_DEL_CHILD, NULL,
		    (uint32_t)i + 1), 0);
	assert_int_equal(ikesa_task_add(s, TASK_DEL_CHILD, NULL, 999), -1);
	/* a duplicate of a queued one is still no error when full */
	assert_int_equal(ikesa_task_add(s, TASK_DEL_CHILD, NULL, 1), 0);
	assert_int_equal(s->ntask, IKESA_TASK_MAX);
	for (i = 0; i < IKESA_TASK_MAX; i++) {
		assert_int_equal(ikesa_task_pop(s, &k), 0);
		assert_int_equal(k.spi, i + 1);
	}
	/* a long name is cut to the field, NUL-terminated */
	assert_int_equal(ikesa_task_add(s, TASK_CHILD,
	    "a-child-name-that-is-much-longer-than-sixty-four-characters-"
	    "in-all", 0), 0);
	assert_int_equal(ikesa_task_pop(s, &k), 0);
	assert_int_equal(strlen(k.name), IKESA_NAME_MAX - 1);
	ikesa_free(&t, s);
	assert_null(t.head);
	assert_int_equal(t.n, 0);
}

/* ---- CHILD SAs ------------------------------------------------------ */

static void
test_children(void **state)
{
	struct ikesa_table t = { 0 };
	struct ikesa *s = ikesa_new(&t, "gw", 0);
	struct child_rec *c;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		c = ikesa_child_add(&t, s);
		assert_non_null(c);
		/* each fresh: net{1}, net{2}... as charon numbers them */
		assert_int_equal(c->spi_in, 0);
		assert_int_equal(c->uniq, i + 1);
		c->spi_in = 0xc2000000 + (uint32_t)i;
		snprintf(c->name, sizeof(c->name), "net%zu", i);
	}
	assert_int_equal(s->nchild, 4);
	c = ikesa_child_by_spi(s, 0xc2000002);
	assert_non_null(c);
	assert_string_equal(c->name, "net2");
	assert_null(ikesa_child_by_spi(s, 0xdead));

	/* deleting one from the middle keeps the others, in order */
	ikesa_child_del(s, ikesa_child_by_spi(s, 0xc2000001));
	assert_int_equal(s->nchild, 3);
	assert_null(ikesa_child_by_spi(s, 0xc2000001));
	assert_string_equal(s->child[0].name, "net0");
	assert_string_equal(s->child[1].name, "net2");
	assert_string_equal(s->child[2].name, "net3");
	assert_int_equal(s->child[1].uniq, 3);
	/* the last, then the first */
	ikesa_child_del(s, &s->child[2]);
	ikesa_child_del(s, &s->child[0]);
	assert_int_equal(s->nchild, 1);
	assert_string_equal(s->child[0].name, "net2");
	/* a record past the end is left alone */
	ikesa_child_del(s, &s->child[3]);
	assert_int_equal(s->nchild, 1);

	/* full at IKESA_CHILD_MAX; numbers go on across SAs (4 made, 15
	 * more to fill: the next is 20) */
	while (s->nchild < IKESA_CHILD_MAX)
		assert_non_null(ikesa_child_add(&t, s));
	assert_null(ikesa_child_add(&t, s));
	c = ikesa_child_add(&t, ikesa_new(&t, "gw2", 1));
	assert_int_equal(c->uniq, 4 + (IKESA_CHILD_MAX - 1) + 1);
	ikesa_free(&t, t.head);
	ikesa_free(&t, s);
	assert_int_equal(t.n, 0);
}

/* ---- kept messages -------------------------------------------------- */

static void
test_keep(void **state)
{
	struct ikesa_table t = { 0 };
	struct ikesa *s = ikesa_new(&t, "gw", 1);
	uint8_t a[100], b[7];

	(void)state;
	memset(a, 0xaa, sizeof(a));
	memset(b, 0xbb, sizeof(b));
	assert_int_equal(ikesa_keep_req(s, REQ_INIT, a, sizeof(a), 0), 0);
	assert_int_equal(s->req, REQ_INIT);
	assert_int_equal(s->req_len, sizeof(a));
	assert_memory_equal(s->req_buf, a, sizeof(a));
	/* a copy: changing ours later does not change what is resent */
	a[0] = 0;
	assert_int_equal(s->req_buf[0], 0xaa);
	s->tries = 3;
	/* the next request replaces it, and its count starts again */
	assert_int_equal(ikesa_keep_req(s, REQ_AUTH, b, sizeof(b), 1), 0);
	assert_int_equal(s->req, REQ_AUTH);
	assert_int_equal(s->req_msgid, 1);
	assert_int_equal(s->req_len, sizeof(b));
	assert_memory_equal(s->req_buf, b, sizeof(b));
	assert_int_equal(s->tries, 0);
	ikesa_req_done(s);
	assert_int_equal(s->req, REQ_NONE);
	assert_null(s->req_buf);
	assert_int_equal(s->req_len, 0);

	assert_int_equal(ikesa_keep_resp(s, b, sizeof(b), 0), 0);
	assert_int_equal(ikesa_keep_resp(s, a, sizeof(a), 1), 0);
	assert_int_equal(s->resp_msgid, 1);
	assert_int_equal(s->resp_len, sizeof(a));
	assert_memory_equal(s->resp_buf, a, sizeof(a));
	/* a request out and a response kept at once: both freed */
	assert_int_equal(ikesa_keep_req(s, REQ_INFO, a, sizeof(a), 2), 0);
	ikesa_free(&t, s);
}

/* ---- the table ------------------------------------------------------ */

static struct ikesa *
mk(struct ikesa_table *t, const char *conn, int initiator, uint64_t spi_i,
    uint64_t spi_r, const char *remote)
{
	struct ikesa *s = ikesa_new(t, conn, initiator);

	assert_non_null(s);
	s->sa.spi_i = spi_i;
	s->sa.spi_r = spi_r;
	s->sa.remote = sa(remote, 500);
	return s;
}

static void
test_table(void **state)
{
	struct ikesa_table t = { 0 };
	struct ikesa *a, *b, *c, *d;
	struct sockaddr_storage p1 = sa("198.51.100.1", 4500),
	    p2 = sa("198.51.100.2", 500);

	(void)state;
	a = mk(&t, "a", 1, 0x1111, 0xaaaa, "198.51.100.1");
	b = mk(&t, "b", 0, 0x2222, 0xbbbb, "198.51.100.1");
	c = mk(&t, NULL, 0, 0x3333, 0xcccc, "198.51.100.2");
	d = mk(&t, "d", 0, 0x2222, 0xdddd, "198.51.100.2");
	assert_int_equal(t.n, 4);
	/* gw[uniq] as charon names IKE SAs; unknown until a responder
	 * knows its connection */
	assert_string_equal(a->who, "a[1]");
	assert_string_equal(c->who, "(unknown)[3]");
	ikesa_set_conn(c, "c");
	assert_string_equal(c->who, "c[3]");
	assert_string_equal(c->conn, "c");

	/* our SPI: SPIi for what we initiated, SPIr for what we answer */
	assert_int_equal(ikesa_our_spi(a), 0x1111);
	assert_int_equal(ikesa_our_spi(b), 0xbbbb);
	assert_ptr_equal(ikesa_find(&t, 0x1111), a);
	assert_null(ikesa_find(&t, 0xaaaa));
	assert_ptr_equal(ikesa_find(&t, 0xbbbb), b);
	assert_ptr_equal(ikesa_find(&t, 0xdddd), d);
	assert_null(ikesa_find(&t, 0x2222));

	/* a retransmitted IKE_SA_INIT: the responder's SA by SPIi and the
	 * peer's address (its port may have floated: not compared); two
	 * peers may pick the same SPIi */
	assert_ptr_equal(ikesa_find_init(&t, 0x2222, &p1), b);
	assert_ptr_equal(ikesa_find_init(&t, 0x2222, &p2), d);
	assert_null(ikesa_find_init(&t, 0x3333, &p1));
	assert_ptr_equal(ikesa_find_init(&t, 0x3333, &p2), c);
	/* not ours as initiator */
	assert_null(ikesa_find_init(&t, 0x1111, &p1));

	/* freed from the middle of the list: the rest still found */
	ikesa_free(&t, b);
	assert_int_equal(t.n, 3);
	assert_null(ikesa_find(&t, 0xbbbb));
	assert_ptr_equal(ikesa_find(&t, 0x1111), a);
	assert_ptr_equal(ikesa_find(&t, 0xcccc), c);
	assert_ptr_equal(ikesa_find(&t, 0xdddd), d);
	assert_null(ikesa_find_init(&t, 0x2222, &p1));
	/* the head (the newest), then the end */
	assert_ptr_equal(t.head, d);
	ikesa_free(&t, d);
	assert_ptr_equal(t.head, c);
	ikesa_free(&t, a);
	assert_ptr_equal(t.head, c);
	assert_null(c->next);
	assert_int_equal(t.n, 1);
	ikesa_free(&t, c);
	assert_null(t.head);
	assert_int_equal(t.n, 0);
	/* numbers are not reused */
	a = ikesa_new(&t, "a", 1);
	assert_int_equal(a->uniq, 5);
	ikesa_free(&t, a);
}

/* ---- addresses -------------------------------------------------------- */

static void
test_addr(void **state)
{
	struct sockaddr_storage a = sa("192.0.2.1", 500),
	    b = sa("192.0.2.1", 4500), c = sa("192.0.2.2", 500),
	    d = sa("2001:db8::1", 4500), e = sa("2001:db8::1", 500),
	    f = sa("::ffff:192.0.2.1", 500);
	char buf[64];

	(void)state;
	/* strongSwan's %#H: "%s[%d]", the address as inet_ntop writes it */
	assert_string_equal(ike_addr_str(&a, buf, sizeof(buf)),
	    "192.0.2.1[500]");
	assert_string_equal(ike_addr_str(&d, buf, sizeof(buf)),
	    "2001:db8::1[4500]");
	assert_string_equal(ike_ip_str(&d, buf, sizeof(buf)), "2001:db8::1");
	assert_string_equal(ike_ip_str(&a, buf, sizeof(buf)), "192.0.2.1");
	ike_addr_set_port(&d, 0);
	assert_string_equal(ike_addr_str(&d, buf, sizeof(buf)),
	    "2001:db8::1");
	ike_addr_set_port(&d, 4500);

	assert_int_equal(ike_addr_port(&b), 4500);
	assert_int_equal(ike_addr_port(&d), 4500);
	ike_addr_set_port(&b, 500);
	assert_int_equal(ike_addr_port(&b), 500);
	assert_true(ike_addr_eq(&a, &b));
	ike_addr_set_port(&b, 4500);
	assert_false(ike_addr_eq(&a, &b));
	assert_true(ike_addr_eq_ip(&a, &b));
	assert_false(ike_addr_eq_ip(&a, &c));
	assert_false(ike_addr_eq(&a, &c));
	assert_true(ike_addr_eq_ip(&d, &e));
	assert_false(ike_addr_eq(&d, &e));
	/* another family is another address, even v4-mapped */
	assert_false(ike_addr_eq_ip(&a, &f));
	assert_false(ike_addr_eq_ip(&a, &d));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tasks),
		cmocka_unit_test(test_children),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_addr),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
