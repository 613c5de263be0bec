/* SPDX-License-Identifier: GPL-3.0-or-later */
/* (being written) */
int main (void) { return 1; }
