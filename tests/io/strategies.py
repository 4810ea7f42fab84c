"""Hypothesis strategies: random flows that are valid as far as the file format goes."""

from hypothesis import strategies as st

from flowsim.model import Comment, Edge, Flow, Node, NodeKind

ids = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
texts = st.text(max_size=30)
numbers = st.one_of(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
durations = st.one_of(
    st.integers(min_value=0, max_value=400),
    st.sampled_from(["30m", "2h", "3d", "1w", "1.5h", "90s"]),
)
distributions = st.one_of(
    durations,
    st.builds(lambda m: {"dist": "exponential", "mean": m}, durations),
    st.builds(lambda a, b: {"dist": "uniform", "min": a, "max": a + b}, st.integers(0, 50), st.integers(0, 50)),
    st.builds(lambda m, s: {"dist": "lognormal", "mean": m, "sd": s}, st.integers(1, 500), st.integers(0, 500)),
)
comment_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"], blacklist_characters="\ufeff\x85"),
    max_size=20,
).map(lambda s: ("# " + s).rstrip())
comments = st.builds(
    Comment,
    before=st.lists(comment_text, max_size=2).map(tuple),
    after=st.one_of(st.none(), comment_text),
).filter(lambda c: c.before or c.after)
# Values of any shape a newer flowsim might write under a key this one does not know.
plain = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, texts),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(texts, st.integers()), inner, max_size=3),
    ),
    max_leaves=8,
)


@st.composite
def nodes(draw, node_id):
    kind = draw(st.sampled_from([k.value for k in NodeKind]))
    params = {}
    if draw(st.booleans()):
        params["capacity"] = draw(st.integers(1, 20))
        params["service"] = draw(distributions)
    if draw(st.booleans()):
        params["delay"] = draw(distributions)
    if draw(st.booleans()):
        params["leak"] = draw(st.floats(0, 1))
    if kind == "source":
        params["arrivals"] = {"per_day": draw(st.integers(0, 500))}
        if draw(st.booleans()):
            params["attributes"] = {
                "job_title": {"VP": 0.25, "Manager": 0.75},
                "company_size": {"dist": "lognormal", "mean": 250, "sd": 400},
            }
    if kind == "score" and draw(st.booleans()):
        params["fit"] = [{"when": draw(texts), "points": draw(st.integers(-20, 40))}]
    if draw(st.booleans()):
        params[draw(st.from_regex(r"x_[a-z]{1,8}", fullmatch=True))] = draw(plain)
    node = Node(
        id=node_id,
        kind=kind,
        label=draw(texts),
        position=(draw(numbers), draw(numbers)),
        color=draw(st.one_of(st.none(), st.sampled_from(["#4A90D9", "teal", "#abc"]))),
        params=params,
    )
    if draw(st.booleans()):
        keys = [()] + [(k,) for k in params]
        node.comments[draw(st.sampled_from(keys))] = draw(comments)
    return node


@st.composite
def flows(draw):
    node_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    flow = Flow(
        draw(texts),
        description=draw(texts),
        simulation=draw(st.fixed_dictionaries({}, optional={"days": st.integers(1, 400), "seed": st.integers(0, 2**32)})),
    )
    for node_id in node_ids:
        flow.add_node(draw(nodes(node_id)))
    for _ in range(draw(st.integers(0, 8))):
        edge = Edge(
            draw(st.sampled_from(node_ids)),
            draw(st.sampled_from(node_ids)),
            when=draw(st.one_of(st.none(), texts)),
            probability=draw(st.one_of(st.none(), st.floats(0, 1))),
            label=draw(st.one_of(st.none(), texts)),
        )
        if draw(st.booleans()):
            edge.comments[()] = draw(comments)
        flow.add_edge(edge)
    if draw(st.booleans()):
        flow.comments[("name",)] = draw(comments)
    return flow
