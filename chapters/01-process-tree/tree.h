/* tree.h - the process tree: who is whose parent.
 *
 * The kernel stores the tree as pointers between task_structs; /proc shows
 * only each process's parent (the PPID in its stat line). tree_build()
 * turns a flat snapshot back into a tree: PID 1 (init) at the top of user
 * space, PID 2 (kthreadd) at the top of the kernel threads, every other
 * process under its parent.
 *
 * Nodes refer to one another by index into tree.nodes, so the tree is one
 * allocation and a test can write one out by hand.
 */
#ifndef BOXLAB_TREE_H
#define BOXLAB_TREE_H

#include "proc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TREE_NONE (-1) /* "no such node" in parent/first_child/next */

struct tree_node {
	struct proc_stat proc; /* what /proc said about this process */
	int parent;            /* index of the parent, TREE_NONE for a root */
	int first_child;       /* index of the lowest-PID child, or TREE_NONE */
	int next_sibling;      /* next child of the same parent (or next root),
	                          in ascending PID order, or TREE_NONE */
	bool kernel_thread;    /* proc_is_kernel_thread() */
	bool parent_missing;   /* ppid != 0 but the parent was not in the
	                          snapshot: it exited while we read /proc */
	bool hidden;           /* leave out of the rendering (tree_focus(),
	                          tree_hide_kernel_threads()) */
};

struct tree {
	struct tree_node *nodes; /* sorted by PID */
	size_t count;            /* number of nodes */
	int first_root;          /* first root; the rest follow by
	                            next_sibling, in ascending PID order */
};

/* Build *ret_tree from COUNT snapshot entries PROCS (in any order).
 * Nodes are sorted by PID; each node is linked under its parent; children
 * and roots are chained in ascending PID order. Roots are the processes
 * with PPID 0 (PID 1 and 2, and see proc.h for the others) and those whose
 * parent is not in PROCS (marked parent_missing).
 * A stale snapshot can hold a loop of parents (A's parent is B, B's is A:
 * possible when a PID is reused while we read /proc). Each loop is cut at
 * exactly one node, its member with the lowest PID: that node becomes a
 * root marked parent_missing, and the other members keep their parents,
 * so the whole loop hangs below it and every node is reachable from a
 * root. An empty snapshot (COUNT 0) gives an empty tree: count 0 and
 * first_root == TREE_NONE.
 * Returns 0, -EINVAL if two entries have the same PID, or -ENOMEM. On
 * success free the tree with tree_free(). */
int tree_build(const struct proc_stat *procs, size_t count,
               struct tree *ret_tree);

/* Write the tree to OUT, one process per line, as "comm(pid)" with kernel
 * threads as "[comm](pid)" and the threads that proc_add_threads() added
 * as "{comm}(tid)", like pstree, and box-drawing connectors:
 *
 *	init(1)
 *	├─getty(210)
 *	└─sshd(300)
 *	  └─bash(301)
 *
 * A child's line starts with its parent's prefix, then "├─" if a later
 * visible sibling follows, else "└─"; its own children inherit that prefix
 * plus "│ " or "  " accordingly. A root's prefix is empty. Hidden nodes
 * and their subtrees are left out. A root whose parent is missing is
 * shown as "?─comm(pid)"; the "?─" belongs to that one line, not to the
 * prefix, so its children are drawn like any root's, from the left margin:
 *
 *	?─orphan(777)
 *	└─child(778)
 *
 * With SHOW_STATE each line ends with " " and the state letter
 * ("bash(301) S"). Returns 0 or -EIO if writing to OUT failed. */
int tree_render(const struct tree *tree, bool show_state, FILE *out);

/* Write what follows NODE's connector in tree_render(): its label,
 * "comm(pid)", "[comm](pid)" or "{comm}(tid)" as above, then " " and the
 * state letter if SHOW_STATE, then the newline. tree_render() uses it for
 * every line; check ferror(OUT) for errors. */
void tree_render_label(const struct tree_node *node, bool show_state,
                       FILE *out);

/* Write the visible part of the tree as a Graphviz digraph to OUT
 * (`ptree --dot | dot -Tsvg > tree.svg`), kernel threads dashed and
 * threads dotted. Returns 0 or -EIO. */
int tree_render_dot(const struct tree *tree, FILE *out);

/* The index of the node with PID, or TREE_NONE. It reads only
 * tree->nodes and tree->count, and needs nothing but the nodes sorted by
 * PID: so tree_build() can use it on a tree whose nodes are sorted but not
 * yet linked. */
int tree_find(const struct tree *tree, pid_t pid);

/* Hide everything but PID's ancestors and its subtree (`ptree -p PID`).
 * Returns 0, or -ESRCH if PID is not in the tree. */
int tree_focus(struct tree *tree, pid_t pid);

/* Hide the kernel threads (`ptree -K`). */
void tree_hide_kernel_threads(struct tree *tree);

/* Free the nodes and reset *TREE to empty. Accepts NULL. */
void tree_free(struct tree *tree);

#endif
