/*
 * ikesa.c - see ikesa.h.
 */
#include "ikesa.h"

#include "ike_sock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ikesa *
ikesa_new(struct ikesa_table *t, const char *conn, int initiator)
{
	struct ikesa *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->uniq = ++t->next_uniq;
	s->sa.initiator = initiator;
	ikesa_set_conn(s, conn);
	s->next = t->head;
	t->head = s;
	t->n++;
	return s;
}

void
ikesa_set_conn(struct ikesa *s, const char *conn)
{
	snprintf(s->conn, sizeof(s->conn), "%s", conn ? conn : "");
	snprintf(s->who, sizeof(s->who), "%s[%u]", conn && *conn ? conn :
	    "(unknown)", s->uniq);
}

void
ikesa_free(struct ikesa_table *t, struct ikesa *s)
{
	struct ikesa **p;

	for (p = &t->head; *p != NULL; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			t->n--;
			break;
		}
	ike_sa_clear(&s->sa);
	ike_child_xchg_clear(&s->cx);
	free(s->req_buf);
	free(s->resp_buf);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

uint64_t
ikesa_our_spi(const struct ikesa *s)
{
	return s->sa.initiator ? s->sa.spi_i : s->sa.spi_r;
}

struct ikesa *
ikesa_find(struct ikesa_table *t, uint64_t spi)
{
	for (struct ikesa *s = t->head; s != NULL; s = s->next)
		if (ikesa_our_spi(s) == spi)
			return s;
	return NULL;
}

struct ikesa *
ikesa_find_init(struct ikesa_table *t, uint64_t spi_i,
    const struct sockaddr_storage *remote)
{
	for (struct ikesa *s = t->head; s != NULL; s = s->next)
		if (!s->sa.initiator && s->sa.spi_i == spi_i &&
		    ike_addr_eq_ip(&s->sa.remote, remote))
			return s;
	return NULL;
}

static int
keep(uint8_t **dst, size_t *dlen, const uint8_t *buf, size_t len)
{
	uint8_t *p = malloc(len);

	if (p == NULL)
		return -1;
	memcpy(p, buf, len);
	free(*dst);
	*dst = p;
	*dlen = len;
	return 0;
}

int
ikesa_keep_req(struct ikesa *s, enum ikesa_req kind, const uint8_t *buf,
    size_t len, uint32_t msgid)
{
	if (keep(&s->req_buf, &s->req_len, buf, len) != 0)
		return -1;
	s->req = kind;
	s->req_msgid = msgid;
	s->tries = 0;
	return 0;
}

int
ikesa_keep_resp(struct ikesa *s, const uint8_t *buf, size_t len,
    uint32_t msgid)
{
	if (keep(&s->resp_buf, &s->resp_len, buf, len) != 0)
		return -1;
	s->resp_msgid = msgid;
	return 0;
}

void
ikesa_req_done(struct ikesa *s)
{
	s->req = REQ_NONE;
	free(s->req_buf);
	s->req_buf = NULL;
	s->req_len = 0;
}

struct child_rec *
ikesa_child_add(struct ikesa_table *t, struct ikesa *s)
{
	struct child_rec *c;

	if (s->nchild == IKESA_CHILD_MAX)
		return NULL;
	c = &s->child[s->nchild++];
	memset(c, 0, sizeof(*c));
	c->uniq = ++t->next_child_uniq;
	return c;
}

struct child_rec *
ikesa_child_by_spi(struct ikesa *s, uint32_t spi_in)
{
	for (size_t i = 0; i < s->nchild; i++)
		if (s->child[i].spi_in == spi_in)
			return &s->child[i];
	return NULL;
}

void
ikesa_child_del(struct ikesa *s, struct child_rec *c)
{
	size_t i = (size_t)(c - s->child);

	if (i >= s->nchild)
		return;
	memmove(&s->child[i], &s->child[i + 1],
	    (s->nchild - i - 1) * sizeof(*c));
	s->nchild--;
}

int
ikesa_task_add(struct ikesa *s, enum task_kind kind, const char *name,
    uint32_t spi)
{
	struct ikesa_task *t;

	for (size_t i = 0; i < s->ntask; i++)
		if (s->task[i].kind == kind && s->task[i].spi == spi &&
		    strcmp(s->task[i].name, name ? name : "") == 0)
			return 0;
	if (s->ntask == IKESA_TASK_MAX)
		return -1;
	t = &s->task[s->ntask++];
	t->kind = kind;
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "");
	t->spi = spi;
	return 0;
}

int
ikesa_task_pop(struct ikesa *s, struct ikesa_task *t)
{
	if (s->ntask == 0)
		return -1;
	*t = s->task[0];
	memmove(&s->task[0], &s->task[1], --s->ntask * sizeof(*t));
	return 0;
}
