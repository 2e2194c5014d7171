/* test_tree.c - exercises 1.4 and 1.5: building and drawing the tree.
 *
 * tree_build() is fed snapshots written out here, tree_render() trees
 * written out node by node, so each exercise is tested on its own.
 */
#include "harness.h"

#include "tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE TREE_NONE

static struct proc_stat proc(pid_t pid, pid_t ppid, const char *comm)
{
	struct proc_stat stat = { .pid = pid, .ppid = ppid, .state = 'S' };

	snprintf(stat.comm, sizeof(stat.comm), "%s", comm);
	return stat;
}

/* Build from PROCS, failing the test on error. */
static struct tree build(const struct proc_stat *procs, size_t count)
{
	struct tree tree = { 0 };

	ck_assert_ok(tree_build(procs, count, &tree), "tree_build");
	ck_assert_uint_eq(tree.count, count);
	return tree;
}

/* The PID of node INDEX, or 0 for NONE: reads better in messages. */
static pid_t pid_at(const struct tree *tree, int index)
{
	return index == NONE ? 0 : tree->nodes[index].proc.pid;
}

/* Children of PID, in order, as "210 300". */
static const char *children_of(const struct tree *tree, pid_t pid)
{
	static char list[256];
	size_t len = 0;
	int child;

	list[0] = '\0';
	child = pid ? tree->nodes[tree_find(tree, pid)].first_child
	            : tree->first_root;
	for (; child != NONE && len < sizeof(list) - 16;
	     child = tree->nodes[child].next_sibling)
		len += snprintf(list + len, sizeof(list) - len, "%s%d",
		                len ? " " : "", (int)pid_at(tree, child));
	return list;
}

START_TEST(build_links_parents_in_pid_order)
{
	const struct proc_stat procs[] = {
		proc(301, 300, "bash"), proc(1, 0, "init"),
		proc(300, 1, "sshd"),   proc(210, 1, "getty"),
		proc(2, 0, "kthreadd"), proc(302, 300, "bash"),
	};
	struct tree tree = build(procs, 6);
	size_t i;

	for (i = 1; i < tree.count; i++)
		ck_assert_msg(pid_at(&tree, i - 1) < pid_at(&tree, i),
		              "nodes are not sorted by PID at %zu", i);
	ck_assert_str_eq(children_of(&tree, 0), "1 2");
	ck_assert_str_eq(children_of(&tree, 1), "210 300");
	ck_assert_str_eq(children_of(&tree, 300), "301 302");
	ck_assert_str_eq(children_of(&tree, 2), "");
	ck_assert_int_eq(
	        pid_at(&tree, tree.nodes[tree_find(&tree, 302)].parent), 300);
	ck_assert_int_eq(tree.nodes[tree_find(&tree, 1)].parent, NONE);
	tree_free(&tree);
}
END_TEST

/* Only PF_KTHREAD makes a kernel thread: in a PID namespace, PID 2 and
 * its children are ordinary processes. */
START_TEST(build_marks_kernel_threads)
{
	struct proc_stat procs[] = {
		proc(1, 0, "init"),   proc(2, 0, "kthreadd"),
		proc(3, 2, "rcu_gp"), proc(50, 1, "bash"),
		proc(60, 2, "sh"),
	};
	struct tree tree;

	procs[1].flags = PROC_PF_KTHREAD;
	procs[2].flags = PROC_PF_KTHREAD;
	tree = build(procs, 5);
	ck_assert(!tree.nodes[tree_find(&tree, 1)].kernel_thread);
	ck_assert(tree.nodes[tree_find(&tree, 2)].kernel_thread);
	ck_assert(tree.nodes[tree_find(&tree, 3)].kernel_thread);
	ck_assert(!tree.nodes[tree_find(&tree, 50)].kernel_thread);
	ck_assert_msg(!tree.nodes[tree_find(&tree, 60)].kernel_thread,
	              "a child of PID 2 without PF_KTHREAD is not a kernel "
	              "thread");
	tree_free(&tree);
}
END_TEST

/* 777's parent 666 exited while we read /proc: 777 becomes a root. */
START_TEST(build_keeps_orphans_with_missing_parent)
{
	const struct proc_stat procs[] = {
		proc(777, 666, "orphan"),
		proc(2, 0, "kthreadd"),
		proc(1, 0, "init"),
		proc(778, 777, "child"),
	};
	struct tree tree = build(procs, 4);
	const struct tree_node *orphan = &tree.nodes[tree_find(&tree, 777)];

	ck_assert_str_eq(children_of(&tree, 0), "1 2 777");
	ck_assert_int_eq(orphan->parent, NONE);
	ck_assert_msg(orphan->parent_missing, "777 not marked parent_missing");
	ck_assert(!tree.nodes[tree_find(&tree, 1)].parent_missing);
	ck_assert(!tree.nodes[tree_find(&tree, 778)].parent_missing);
	ck_assert_str_eq(children_of(&tree, 777), "778");
	tree_free(&tree);
}
END_TEST

/* The node with PID, failing the test if there is none. */
static const struct tree_node *node_of(const struct tree *tree, pid_t pid)
{
	int index = tree_find(tree, pid);

	ck_assert_msg(index != NONE, "PID %d is not in the tree", (int)pid);
	return &tree->nodes[index];
}

/* PID's parent must be PARENT (0: a root), marked missing or not. */
static void expect_parent(const struct tree *tree, pid_t pid, pid_t parent,
                          bool missing)
{
	const struct tree_node *node = node_of(tree, pid);

	ck_assert_msg(pid_at(tree, node->parent) == parent,
	              "%d: expected parent %d, got %d", (int)pid, (int)parent,
	              (int)pid_at(tree, node->parent));
	ck_assert_msg(node->parent_missing == missing,
	              "%d: expected parent_missing %s", (int)pid,
	              missing ? "true" : "false");
}

/* A reused PID can make a loop: 10's parent is 20, 20's parent is 10.
 * The loop is cut at exactly one node, its lowest PID, and the rest of
 * it hangs below that node. */
START_TEST(build_breaks_parent_loops)
{
	const struct proc_stat procs[] = {
		proc(1, 0, "init"),
		proc(20, 10, "b"),
		proc(10, 20, "a"),
		proc(30, 20, "c"),
	};
	struct tree tree = build(procs, 4);

	ck_assert_str_eq(children_of(&tree, 0), "1 10");
	expect_parent(&tree, 10, 0, true);
	expect_parent(&tree, 20, 10, false);
	expect_parent(&tree, 30, 20, false);
	ck_assert_str_eq(children_of(&tree, 10), "20");
	ck_assert_str_eq(children_of(&tree, 20), "30");
	tree_free(&tree);
}
END_TEST

/* A loop of three, 40 -> 50 -> 45 -> 40 (each arrow "has the parent"),
 * and 5, outside it, whose parent 45 is in it: only 40 is cut. */
START_TEST(build_cuts_a_loop_at_its_lowest_pid)
{
	const struct proc_stat procs[] = {
		proc(50, 45, "c"), proc(45, 40, "b"), proc(1, 0, "init"),
		proc(40, 50, "a"), proc(5, 45, "d"),
	};
	struct tree tree = build(procs, 5);

	ck_assert_str_eq(children_of(&tree, 0), "1 40");
	expect_parent(&tree, 40, 0, true);
	expect_parent(&tree, 45, 40, false);
	expect_parent(&tree, 50, 45, false);
	expect_parent(&tree, 5, 45, false);
	ck_assert_str_eq(children_of(&tree, 45), "5 50");
	tree_free(&tree);
}
END_TEST

START_TEST(build_rejects_duplicates_accepts_empty)
{
	const struct proc_stat procs[] = {
		proc(1, 0, "init"),
		proc(5, 1, "a"),
		proc(5, 1, "b"),
	};
	struct tree tree = { 0 };
	int ret;

	ret = tree_build(procs, 3, &tree);
	ck_assert_err(ret, -EINVAL, "two processes with PID 5");
	ret = tree_build(procs, 0, &tree);
	ck_assert_ok(ret, "tree_build of an empty snapshot");
	ck_assert_uint_eq(tree.count, 0);
	ck_assert_int_eq(tree.first_root, NONE);
	tree_free(&tree);
}
END_TEST

/* A tree written out node by node (sorted by PID, as tree_build makes):
 *
 *	init(1)            0
 *	├─getty(210)       3
 *	└─sshd(300)        4
 *	  ├─bash(301)      5
 *	  │ └─vim(400)     7
 *	  └─bash(302)      6
 *	[kthreadd](2)      1
 *	└─[rcu_gp](3)      2
 *	?─orphan(777)      8
 */
#define NODE(PID, COMM, STATE, PARENT, CHILD, NEXT)                            \
	{                                                                      \
		.proc = { .pid = PID, .comm = COMM, .state = STATE },          \
		.parent = PARENT, .first_child = CHILD, .next_sibling = NEXT   \
	}

static struct tree_node sample_nodes[9];

static struct tree sample_tree(void)
{
	const struct tree_node nodes[] = {
		NODE(1, "init", 'S', NONE, 3, 1),
		NODE(2, "kthreadd", 'S', NONE, 2, 8),
		NODE(3, "rcu_gp", 'I', 1, NONE, NONE),
		NODE(210, "getty", 'S', 0, NONE, 4),
		NODE(300, "sshd", 'S', 0, 5, NONE),
		NODE(301, "bash", 'S', 4, 7, 6),
		NODE(302, "bash", 'R', 4, NONE, NONE),
		NODE(400, "vim", 'T', 5, NONE, NONE),
		NODE(777, "orphan", 'Z', NONE, NONE, NONE),
	};

	memcpy(sample_nodes, nodes, sizeof(nodes));
	sample_nodes[1].kernel_thread = sample_nodes[2].kernel_thread = true;
	sample_nodes[8].parent_missing = true;
	return (struct tree){ .nodes = sample_nodes,
		              .count = 9,
		              .first_root = 0 };
}

/* Render TREE to a string (free() it). */
static char *render(const struct tree *tree, bool show_state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int ret;

	ck_assert_ptr_nonnull(out);
	ret = tree_render(tree, show_state, out);
	fclose(out);
	ck_assert_ok(ret, "tree_render");
	return text;
}

static void assert_text(const char *got, const char *expected)
{
	ck_assert_msg(strcmp(got, expected) == 0, "expected:\n%s\ngot:\n%s",
	              expected, got);
}

START_TEST(render_one_branch)
{
	struct tree tree = sample_tree();
	char *text;
	int i;

	for (i = 1; i < 9; i++)
		sample_nodes[i].hidden = i != 3;
	text = render(&tree, false);
	assert_text(text, "init(1)\n└─getty(210)\n");
	free(text);
}
END_TEST

START_TEST(render_whole_tree)
{
	struct tree tree = sample_tree();
	char *text = render(&tree, false);

	assert_text(text, "init(1)\n"
	                  "├─getty(210)\n"
	                  "└─sshd(300)\n"
	                  "  ├─bash(301)\n"
	                  "  │ └─vim(400)\n"
	                  "  └─bash(302)\n"
	                  "[kthreadd](2)\n"
	                  "└─[rcu_gp](3)\n"
	                  "?─orphan(777)\n");
	free(text);
}
END_TEST

/* Hiding the last sibling turns the one before it into the last. */
START_TEST(render_skips_hidden_nodes)
{
	struct tree tree = sample_tree();
	char *text;

	sample_nodes[6].hidden = true; /* bash(302) */
	sample_nodes[1].hidden = true; /* kthreadd and below */
	sample_nodes[2].hidden = true;
	text = render(&tree, false);
	assert_text(text, "init(1)\n"
	                  "├─getty(210)\n"
	                  "└─sshd(300)\n"
	                  "  └─bash(301)\n"
	                  "    └─vim(400)\n"
	                  "?─orphan(777)\n");
	free(text);
}
END_TEST

/* The "?─" belongs to the orphan's own line: its children are drawn like
 * any root's, from the left margin. */
START_TEST(render_orphan_with_children)
{
	static struct tree_node nodes[] = {
		NODE(1, "init", 'S', NONE, NONE, 1),
		NODE(777, "orphan", 'S', NONE, 2, NONE),
		NODE(778, "a", 'S', 1, 4, 3),
		NODE(779, "b", 'S', 1, NONE, NONE),
		NODE(800, "c", 'S', 2, NONE, NONE),
	};
	struct tree tree = { .nodes = nodes, .count = 5, .first_root = 0 };
	char *text;

	nodes[1].parent_missing = true;
	text = render(&tree, false);
	assert_text(text, "init(1)\n"
	                  "?─orphan(777)\n"
	                  "├─a(778)\n"
	                  "│ └─c(800)\n"
	                  "└─b(779)\n");
	free(text);
}
END_TEST

START_TEST(render_with_states)
{
	struct tree tree = sample_tree();
	char *text;

	sample_nodes[3].hidden = sample_nodes[4].hidden = true;
	text = render(&tree, true);
	assert_text(text, "init(1) S\n"
	                  "[kthreadd](2) S\n"
	                  "└─[rcu_gp](3) I\n"
	                  "?─orphan(777) Z\n");
	free(text);
}
END_TEST

const struct graded_test tree_tests[] = {
	GRADED("1.4", build_links_parents_in_pid_order),
	GRADED("1.4", build_marks_kernel_threads),
	GRADED("1.4", build_keeps_orphans_with_missing_parent),
	GRADED("1.4", build_breaks_parent_loops),
	GRADED("1.4", build_cuts_a_loop_at_its_lowest_pid),
	GRADED("1.4", build_rejects_duplicates_accepts_empty),
	GRADED("1.5", render_one_branch),
	GRADED("1.5", render_whole_tree),
	GRADED("1.5", render_skips_hidden_nodes),
	GRADED("1.5", render_with_states),
	GRADED("1.5", render_orphan_with_children),
	{ 0 },
};
