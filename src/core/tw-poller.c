/* SPDX-License-Identifier: GPL-3.0-or-later */
/* (being written) */
typedef int tw_placeholder_tw_poller;
