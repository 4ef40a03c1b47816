/*
 * ike_wire.h - IKEv2's numbers on the wire (RFC 7296 3, IANA "IKEv2
 * Parameters"), for the parser, the builder and the logs.
 */
#ifndef NICSEC_IKE_WIRE_H
#define NICSEC_IKE_WIRE_H

/* The IKE header (RFC 7296 3.1). */
#define IKE_HDR_LEN		28
#define IKE_HDR_LENGTH_OFF	24	/* the header's Length field */
#define IKE_PLD_HDR_LEN		4	/* a payload's generic header */
#define IKE_VERSION		0x20	/* major 2, minor 0 */
#define IKE_FLAG_INITIATOR	0x08	/* sent by the original initiator */
#define IKE_FLAG_VERSION	0x10	/* could speak a higher major */
#define IKE_FLAG_RESPONSE	0x20
/* A UDP datagram on port 4500 starts with 4 zero bytes before IKE (RFC
 * 3948 2.2); ESP there starts with a nonzero SPI. */
#define IKE_NON_ESP_MARKER	4

/* Nonce Data lengths RFC 7296 3.9 allows. */
#define IKE_NONCE_MIN		16
#define IKE_NONCE_MAX		256

/* Exchange types (RFC 7296 3.1). */
#define IKE_SA_INIT		34
#define IKE_AUTH		35
#define CREATE_CHILD_SA		36
#define INFORMATIONAL		37

/* Payload types (RFC 7296 3.2). */
#define IKE_PLD_NONE		0
#define IKE_PLD_SA		33
#define IKE_PLD_KE		34
#define IKE_PLD_IDI		35
#define IKE_PLD_IDR		36
#define IKE_PLD_CERT		37
#define IKE_PLD_CERTREQ		38
#define IKE_PLD_AUTH		39
#define IKE_PLD_NONCE		40
#define IKE_PLD_NOTIFY		41
#define IKE_PLD_DELETE		42
#define IKE_PLD_VENDOR		43
#define IKE_PLD_TSI		44
#define IKE_PLD_TSR		45
#define IKE_PLD_SK		46
#define IKE_PLD_CP		47
#define IKE_PLD_EAP		48
#define IKE_PLD_SKF		53	/* RFC 7383 fragments */
#define IKE_PLD_CRITICAL	0x80	/* the generic header's C bit */

/* Proposal and transform substructures (RFC 7296 3.3). */
#define IKE_PROP_LAST		0
#define IKE_PROP_MORE		2
#define IKE_XFORM_LAST		0
#define IKE_XFORM_MORE		3
#define IKE_ATTR_TV		0x8000	/* attribute format bit */
#define IKE_ATTR_KEY_LENGTH	14

/* ID types (RFC 7296 3.5). */
#define IKE_ID_IPV4_ADDR	1
#define IKE_ID_FQDN		2
#define IKE_ID_RFC822_ADDR	3
#define IKE_ID_IPV6_ADDR	5
#define IKE_ID_DER_ASN1_DN	9
#define IKE_ID_DER_ASN1_GN	10
#define IKE_ID_KEY_ID		11

/* Certificate encodings (RFC 7296 3.6). */
#define IKE_CERT_X509_SIG	4

/* AUTH methods (RFC 7296 3.8, RFC 7427). */
#define IKE_AUTH_RSA_SIG	1
#define IKE_AUTH_PSK		2
#define IKE_AUTH_DSS_SIG	3
#define IKE_AUTH_ECDSA_256	9
#define IKE_AUTH_ECDSA_384	10
#define IKE_AUTH_ECDSA_521	11
#define IKE_AUTH_DIGITAL_SIG	14

/* Traffic selector types (RFC 7296 3.13.1). */
#define IKE_TS_IPV4_RANGE	7
#define IKE_TS_IPV6_RANGE	8

/* Notify message types (RFC 7296 3.10.1, RFC 7427, RFC 5996's NAT-T). */
#define N_UNSUPPORTED_CRITICAL_PAYLOAD	1
#define N_INVALID_IKE_SPI		4
#define N_INVALID_MAJOR_VERSION		5
#define N_INVALID_SYNTAX		7
#define N_INVALID_MESSAGE_ID		9
#define N_INVALID_SPI			11
#define N_NO_PROPOSAL_CHOSEN		14
#define N_INVALID_KE_PAYLOAD		17
#define N_AUTHENTICATION_FAILED		24
#define N_SINGLE_PAIR_REQUIRED		34
#define N_NO_ADDITIONAL_SAS		35
#define N_INTERNAL_ADDRESS_FAILURE	36
#define N_FAILED_CP_REQUIRED		37
#define N_TS_UNACCEPTABLE		38
#define N_INVALID_SELECTORS		39
#define N_TEMPORARY_FAILURE		43
#define N_CHILD_SA_NOT_FOUND		44
#define N_ERROR_MAX			16383	/* errors below 16384 */
#define N_INITIAL_CONTACT		16384
#define N_SET_WINDOW_SIZE		16385
#define N_ADDITIONAL_TS_POSSIBLE	16386
#define N_IPCOMP_SUPPORTED		16387
#define N_NAT_DETECTION_SOURCE_IP	16388
#define N_NAT_DETECTION_DESTINATION_IP	16389
#define N_COOKIE			16390
#define N_USE_TRANSPORT_MODE		16391
#define N_HTTP_CERT_LOOKUP_SUPPORTED	16392
#define N_REKEY_SA			16393
#define N_ESP_TFC_PADDING_NOT_SUPPORTED	16394
#define N_NON_FIRST_FRAGMENTS_ALSO	16395
#define N_MOBIKE_SUPPORTED		16396
#define N_MULTIPLE_AUTH_SUPPORTED	16404
#define N_REDIRECT_SUPPORTED		16406
#define N_IKEV2_FRAGMENTATION_SUPPORTED	16430
#define N_CHILDLESS_IKEV2_SUPPORTED	16418	/* RFC 6023 */
#define N_SIGNATURE_HASH_ALGORITHMS	16431

#endif /* NICSEC_IKE_WIRE_H */
