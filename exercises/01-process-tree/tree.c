/* tree.c - the process tree from a /proc snapshot. See tree.h. */
#include "tree.h"

#include "exercise.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* EXERCISE 1.4: your own helper functions can go here. */

int tree_build(const struct proc_stat *procs, size_t count,
               struct tree *ret_tree)
{
	/* EXERCISE 1.4: Build the tree (20 points)
	 *
	 * Four steps: copy and sort the nodes by PID (qsort(3), and a
	 * duplicate PID is -EINVAL); find each node's parent; cut any loop
	 * of parents at its lowest-PID member; link children and roots in
	 * ascending PID order. For the second step, set tree.nodes and
	 * tree.count as soon as the nodes are sorted: tree_find() needs no
	 * more than that (tree.h), so it can search the tree you are still
	 * building.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("1.4", procs, count, ret_tree);
}

void tree_render_label(const struct tree_node *node, bool show_state, FILE *out)
{
	const char *open = "", *close = "";

	if (node->kernel_thread) {
		open = "[";
		close = "]";
	} else if (node->proc.thread) {
		open = "{";
		close = "}";
	}
	fprintf(out, "%s%s%s(%d)", open, node->proc.comm, close,
	        (int)node->proc.pid);
	if (show_state)
		fprintf(out, " %c", node->proc.state);
	fputc('\n', out);
}

/* EXERCISE 1.5: your own helper functions can go here. */

int tree_render(const struct tree *tree, bool show_state, FILE *out)
{
	/* EXERCISE 1.5: Draw the tree (20 points)
	 *
	 * Print each visible root at the left margin ("?─" in front when
	 * its parent is missing), then its children, recursively, starting
	 * from an empty prefix: the "?─" is not part of the prefix. What
	 * decides between "├─" and "└─" is whether a later VISIBLE sibling
	 * follows; the same question decides what the child's own children
	 * get in front: "│ " or two spaces. After the connector,
	 * tree_render_label() writes the rest of each line.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("1.5", tree, show_state, out);
}

/* Graphviz needs '"' and '\' escaped inside a quoted label. */
static void print_dot_label(const struct tree_node *node, FILE *out)
{
	const char *c;

	fprintf(out, "\t%d [label=\"", (int)node->proc.pid);
	for (c = node->proc.comm; *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', out);
		fputc(*c, out);
	}
	fprintf(out, "(%d)\"%s];\n", (int)node->proc.pid,
	        node->kernel_thread ? ", style=dashed"
	        : node->proc.thread ? ", style=dotted"
	                            : "");
}

int tree_render_dot(const struct tree *tree, FILE *out)
{
	const struct tree_node *node;
	size_t i;

	fputs("digraph ptree {\n\tnode [shape=box, fontname=monospace];\n",
	      out);
	for (i = 0; i < tree->count; i++) {
		node = &tree->nodes[i];
		if (node->hidden)
			continue;
		print_dot_label(node, out);
		if (node->parent != TREE_NONE)
			fprintf(out, "\t%d -> %d;\n",
			        (int)tree->nodes[node->parent].proc.pid,
			        (int)node->proc.pid);
	}
	fputs("}\n", out);
	return ferror(out) ? -EIO : 0;
}

int tree_find(const struct tree *tree, pid_t pid)
{
	size_t low = 0, high = tree->count, middle;

	/* Binary search: the nodes are sorted by PID. */
	while (low < high) {
		middle = low + (high - low) / 2;
		if (tree->nodes[middle].proc.pid < pid)
			low = middle + 1;
		else
			high = middle;
	}
	if (low < tree->count && tree->nodes[low].proc.pid == pid)
		return low;
	return TREE_NONE;
}

/* Show INDEX and everything below it. */
static void show_subtree(struct tree *tree, int index)
{
	int child;

	tree->nodes[index].hidden = false;
	for (child = tree->nodes[index].first_child; child != TREE_NONE;
	     child = tree->nodes[child].next_sibling)
		show_subtree(tree, child);
}

int tree_focus(struct tree *tree, pid_t pid)
{
	int index = tree_find(tree, pid);
	size_t i;

	if (index == TREE_NONE)
		return -ESRCH;
	for (i = 0; i < tree->count; i++)
		tree->nodes[i].hidden = true;
	show_subtree(tree, index);
	for (index = tree->nodes[index].parent; index != TREE_NONE;
	     index = tree->nodes[index].parent)
		tree->nodes[index].hidden = false;
	return 0;
}

void tree_hide_kernel_threads(struct tree *tree)
{
	size_t i;

	for (i = 0; i < tree->count; i++)
		if (tree->nodes[i].kernel_thread)
			tree->nodes[i].hidden = true;
}

void tree_free(struct tree *tree)
{
	if (!tree)
		return;
	free(tree->nodes);
	tree->nodes = NULL;
	tree->count = 0;
	tree->first_root = TREE_NONE;
}
