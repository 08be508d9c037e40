"""pip's failure output, cut to what a pool's verdict shows: its errors from the first on, each
requirement by its own text rather than pip's `-r <file> (line N)`, without pip's warnings,
notices and blank lines."""

from __future__ import annotations

from synapse_dl.cli.preflight.resolver import _error_lines

REQUIREMENTS = ["demo-lib==1.0", "nativelib==1.0"]


def test_the_errors_are_kept_from_the_first_on_without_warnings_notices_or_blank_lines():
    output = "\n".join(
        [
            "Looking in indexes: http://127.0.0.1:8080/simple",
            "Collecting demo-lib==1.0 (from -r /tmp/p/requirements.txt (line 1))",
            "ERROR: Could not find a version that satisfies the requirement nativelib==1.0 "
            "(from -r /tmp/p/requirements.txt (line 2)) (from versions: none)",
            "WARNING: Retrying (Retry(total=4)) after connection broken: /simple/nativelib/",
            "",
            "[notice] A new release of pip is available: 25.0 -> 25.3",
            "ERROR: No matching distribution found for nativelib==1.0",
        ]
    )

    assert _error_lines(output, REQUIREMENTS) == (
        "Could not find a version that satisfies the requirement nativelib==1.0 "
        "(from nativelib==1.0) (from versions: none)\n"
        "No matching distribution found for nativelib==1.0"
    )


def test_pips_advice_after_a_conflict_is_left_out():
    output = "\n".join(
        [
            "ERROR: Cannot install demo-lib==1.0 and helper<2 because these package versions "
            "have conflicting dependencies.",
            "The conflict is caused by:",
            "    demo-lib 1.0 depends on helper>=2",
            "To fix this you could try to:",
            "1. loosen the range of package versions you've specified",
            "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/",
        ]
    )

    assert _error_lines(output, REQUIREMENTS) == (
        "Cannot install demo-lib==1.0 and helper<2 because these package versions have "
        "conflicting dependencies.\n"
        "The conflict is caused by:\n"
        "    demo-lib 1.0 depends on helper>=2"
    )


def test_output_without_an_error_line_gives_nothing_so_the_caller_shows_it_whole():
    output = "Looking in indexes: http://127.0.0.1:8080/simple\nKilled\n"

    assert _error_lines(output, REQUIREMENTS) == ""


def test_the_resolution_impossible_line_ends_the_message_without_advice_before_it():
    output = (
        "ERROR: Cannot install demo-lib==1.0 because these package versions have conflicting "
        "dependencies.\nERROR: ResolutionImpossible: for help visit https://pip.pypa.io/\n"
        "WARNING: one more line\nafter it"
    )

    assert _error_lines(output, REQUIREMENTS) == (
        "Cannot install demo-lib==1.0 because these package versions have conflicting dependencies."
    )
