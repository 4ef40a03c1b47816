/*
 * nicsec_ids.h - how a nicsec card shows itself on the PCI bus.
 *
 * One place for the IDs, so discovery, tests and docs cannot disagree.
 * The card is an FPGA design, so it enumerates with the FPGA vendor's ID
 * (Xilinx, 0x10ee) and a device ID of our own: 0x4e53, "NS".
 */
#ifndef NICSEC_IDS_H
#define NICSEC_IDS_H

#define NICSEC_PCI_VENDOR	0x10ee	/* Xilinx */
#define NICSEC_PCI_DEVICE	0x4e53	/* "NS" */

/*
 * The smallest BAR0 a nicsec card has: one 4 KiB page, the register map's
 * BAR0_SIZE (build/gen/bar0.h; test_pci_dev checks the two agree when that
 * header is there).  A smaller BAR0 is some other design loaded into the
 * FPGA, and register accesses near its end would miss.
 */
#define NICSEC_BAR0_MIN		0x1000

#endif /* NICSEC_IDS_H */
