/* tree.c - the process tree from a /proc snapshot. See tree.h. */
#include "tree.h"

#include "exercise.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* BEGIN EXERCISE 1.4 (helpers) */
static int compare_nodes(const void *a, const void *b)
{
	pid_t x = ((const struct tree_node *)a)->proc.pid;
	pid_t y = ((const struct tree_node *)b)->proc.pid;

	return (x > y) - (x < y);
}

/* Copy PROCS into nodes sorted by PID, none linked yet. -EINVAL if a PID
 * appears twice: a snapshot never holds one process twice. */
static int make_sorted_nodes(const struct proc_stat *procs, size_t count,
                             struct tree *tree)
{
	size_t i;

	tree->nodes = calloc(count ? count : 1, sizeof(*tree->nodes));
	if (!tree->nodes)
		return -ENOMEM;
	tree->count = count;
	for (i = 0; i < count; i++) {
		tree->nodes[i].proc = procs[i];
		tree->nodes[i].first_child = TREE_NONE;
		tree->nodes[i].next_sibling = TREE_NONE;
		tree->nodes[i].kernel_thread = proc_is_kernel_thread(&procs[i]);
	}
	qsort(tree->nodes, count, sizeof(*tree->nodes), compare_nodes);
	for (i = 1; i < count; i++)
		if (tree->nodes[i].proc.pid == tree->nodes[i - 1].proc.pid)
			return -EINVAL;
	return 0;
}

/* Point each node at its parent's index; a PPID that is not in the
 * snapshot leaves a root whose parent is missing. */
static void find_parents(struct tree *tree)
{
	struct tree_node *node;
	size_t i;

	for (i = 0; i < tree->count; i++) {
		node = &tree->nodes[i];
		node->parent = TREE_NONE;
		if (node->proc.ppid == 0)
			continue;
		node->parent = tree_find(tree, node->proc.ppid);
		node->parent_missing = node->parent == TREE_NONE;
	}
}

/* A stale snapshot can hold a loop (A's parent B, B's parent A) when a
 * PID is reused while we read. Walk up from each node, in PID order; a
 * walk that comes back to its start is a loop, cut at that node. The
 * first member of a loop to be walked is its lowest PID, and once it is
 * cut the loop is gone: so the cut is exactly there. Walks are bounded by
 * the node count, so one that enters someone else's loop also stops. */
static void break_cycles(struct tree *tree)
{
	size_t i, steps;
	int up;

	for (i = 0; i < tree->count; i++) {
		up = tree->nodes[i].parent;
		for (steps = 0; up != TREE_NONE && steps < tree->count;
		     steps++) {
			if (up == (int)i) {
				tree->nodes[i].parent = TREE_NONE;
				tree->nodes[i].parent_missing = true;
				break;
			}
			up = tree->nodes[up].parent;
		}
	}
}

/* Chain children under parents and roots together. Going from the highest
 * PID down and pushing on the front leaves every list in ascending order. */
static void link_children(struct tree *tree)
{
	struct tree_node *node;
	int *head;
	size_t i;

	tree->first_root = TREE_NONE;
	for (i = tree->count; i-- > 0;) {
		node = &tree->nodes[i];
		head = node->parent == TREE_NONE
		               ? &tree->first_root
		               : &tree->nodes[node->parent].first_child;
		node->next_sibling = *head;
		*head = i;
	}
}
/* END EXERCISE 1.4 */

int tree_build(const struct proc_stat *procs, size_t count,
               struct tree *ret_tree)
{
	/* BEGIN EXERCISE 1.4: Build the tree (20 points)
	 *
	 * Four steps: copy and sort the nodes by PID (qsort(3), and a
	 * duplicate PID is -EINVAL); find each node's parent; cut any loop
	 * of parents at its lowest-PID member; link children and roots in
	 * ascending PID order. For the second step, set tree.nodes and
	 * tree.count as soon as the nodes are sorted: tree_find() needs no
	 * more than that (tree.h), so it can search the tree you are still
	 * building.
	 *
	 * stub: return exercise_todo("1.4", procs, count, ret_tree);
	 */
	struct tree tree = { .first_root = TREE_NONE };
	int ret;

	ret = make_sorted_nodes(procs, count, &tree);
	if (ret < 0) {
		tree_free(&tree);
		return ret;
	}
	find_parents(&tree);
	break_cycles(&tree);
	link_children(&tree);
	*ret_tree = tree;
	return 0;
	/* END EXERCISE 1.4 */
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

/* BEGIN EXERCISE 1.5 (helpers) */
/* The first node from INDEX on (INDEX itself or a later sibling) that is
 * not hidden, or TREE_NONE. */
static int next_visible(const struct tree *tree, int index)
{
	while (index != TREE_NONE && tree->nodes[index].hidden)
		index = tree->nodes[index].next_sibling;
	return index;
}

/* Print the visible children of node INDEX. PREFIX holds what every line
 * of this subtree starts with; LEN is its length. Each level adds one
 * "│ " (3 + 1 bytes in UTF-8) or "  ", so PREFIX needs 4 bytes a level. */
static void render_children(const struct tree *tree, int index, char *prefix,
                            size_t len, bool show_state, FILE *out)
{
	int child = next_visible(tree, tree->nodes[index].first_child);
	int next;

	while (child != TREE_NONE) {
		next = next_visible(tree, tree->nodes[child].next_sibling);
		fprintf(out, "%.*s%s", (int)len, prefix,
		        next != TREE_NONE ? "├─" : "└─");
		tree_render_label(&tree->nodes[child], show_state, out);
		strcpy(prefix + len, next != TREE_NONE ? "│ " : "  ");
		render_children(tree, child, prefix, len + strlen(prefix + len),
		                show_state, out);
		child = next;
	}
}
/* END EXERCISE 1.5 */

int tree_render(const struct tree *tree, bool show_state, FILE *out)
{
	/* BEGIN EXERCISE 1.5: Draw the tree (20 points)
	 *
	 * Print each visible root at the left margin ("?─" in front when
	 * its parent is missing), then its children, recursively, starting
	 * from an empty prefix: the "?─" is not part of the prefix. What
	 * decides between "├─" and "└─" is whether a later VISIBLE sibling
	 * follows; the same question decides what the child's own children
	 * get in front: "│ " or two spaces. After the connector,
	 * tree_render_label() writes the rest of each line.
	 *
	 * stub: return exercise_todo("1.5", tree, show_state, out);
	 */
	int root = next_visible(tree, tree->first_root);
	char *prefix;

	prefix = malloc(4 * tree->count + 1);
	if (!prefix)
		return -ENOMEM;
	while (root != TREE_NONE) {
		if (tree->nodes[root].parent_missing)
			fputs("?─", out);
		tree_render_label(&tree->nodes[root], show_state, out);
		render_children(tree, root, prefix, 0, show_state, out);
		root = next_visible(tree, tree->nodes[root].next_sibling);
	}
	free(prefix);
	return ferror(out) ? -EIO : 0;
	/* END EXERCISE 1.5 */
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
