"""The shell rules (NBP002 shell-pip, NBP003 shell-prompt, NBP004 shell-unquoted-space) on the cases
the catalog's examples do not spell out, and the shell reader they share."""

from __future__ import annotations

import pytest

from nbport.api import fix_document
from nbport.catalog import load_catalog
from nbport.documents import document_from_cells
from nbport.documents.base import EscapeStyle
from nbport.engine import check_document
from nbport.escapes import scan
from nbport.rules.pip import pip_command
from nbport.rules.shell import TokenKind, escape_command, shell_tokens, simple_commands

CATALOG = load_catalog()


def findings(rule: str, cells: list[str], layout: str = "notebook") -> list[str]:
    """The labels of `rule`'s findings on `cells`."""
    result = check_document(document_from_cells(cells, layout), [CATALOG[rule]])
    assert result.errors == ()
    return [finding.start.label() for finding in result.findings]


def fixed(rule: str, cells: list[str], *, unsafe: bool = True) -> list[str]:
    """The cells after fixing `rule`'s findings."""
    outcome = fix_document(document_from_cells(cells, "notebook"), [CATALOG[rule]], unsafe=unsafe)
    assert outcome.refused is None
    return [unit.text for unit in outcome.document.units()]


# --- the shell reader ---------------------------------------------------------------------------


def test_words_keep_quotes_in_raw_and_drop_them_in_value() -> None:
    tokens = shell_tokens("""cp "a b" 'c d' e\\ f {x + ' '} $(ls -1)""")
    assert tokens is not None
    assert [token.value for token in tokens] == ["cp", "a b", "c d", "e f", "{x + ' '}", "$(ls -1)"]
    assert [token.quoted for token in tokens] == [False, True, True, True, True, False]


def test_operators_and_redirections_split_simple_commands() -> None:
    tokens = shell_tokens("yes | apt-get install x 2>&1 >log && cd d; unzip a.zip < /dev/null")
    assert tokens is not None
    commands = list(simple_commands(tokens))
    assert [[word.value for word in command.words] for command in commands] == [
        ["yes"],
        ["apt-get", "install", "x"],
        ["cd", "d"],
        ["unzip", "a.zip"],
    ]
    assert [command.stdin_redirected for command in commands] == [False, True, False, True]


def test_wrappers_and_assignments_are_skipped() -> None:
    tokens = shell_tokens("DEBIAN_FRONTEND=noninteractive sudo -u root apt-get install x")
    assert tokens is not None
    (command,) = simple_commands(tokens)
    assert command.program == "apt-get"


def test_an_open_quote_gives_none() -> None:
    assert shell_tokens("echo 'unterminated") is None


def test_magic_arguments_split_on_blanks_only() -> None:
    tokens = shell_tokens("a;b c>d", shell=False)
    assert tokens is not None
    assert [(token.kind, token.value) for token in tokens] == [
        (TokenKind.WORD, "a;b"),
        (TokenKind.WORD, "c>d"),
    ]


def _pip(line: str) -> tuple[list[str], str | None, list[tuple[str, str, str]], list[str]]:
    """`line` read as one pip command: its program words, subcommand, requirements, files."""
    tokens = shell_tokens(line)
    assert tokens is not None
    (command,) = simple_commands(tokens)
    pip = pip_command(command.words)
    assert pip is not None
    requirements = [(r.word.value, r.name, r.specifier) for r in pip.requirements()]
    files = [word.value for word in pip.requirement_files()]
    verb = pip.subcommand.value if pip.subcommand is not None else None
    return [word.value for word in pip.program], verb, requirements, files


def test_one_pip_reader_knows_the_program_the_subcommand_and_the_requirements() -> None:
    assert _pip(
        "sudo -H pip3 --log x.log install -U -r req.txt 'TensorFlow_GPU[x]>=1.13,<2' y"
    ) == (
        ["pip3"],
        "install",
        [("TensorFlow_GPU[x]>=1.13,<2", "tensorflow-gpu", ">=1.13,<2"), ("y", "y", "")],
        ["req.txt"],
    )
    assert _pip("/usr/bin/python3.10 -m pip uninstall -y x")[:2] == (
        ["/usr/bin/python3.10", "-m", "pip"],
        "uninstall",
    )
    assert _pip("{sys.executable} -m pip")[1] is None


@pytest.mark.parametrize("line", ["pipenv install x", "python -m venv x", "python pip.py install"])
def test_other_programs_are_not_pip(line: str) -> None:
    tokens = shell_tokens(line)
    assert tokens is not None
    (command,) = simple_commands(tokens)
    assert pip_command(command.words) is None


@pytest.mark.parametrize(
    ("program", "on_path"),
    [
        ("pip", True),
        ("python3 -m pip", True),
        ("/usr/bin/pip", False),
        ("{sys.executable} -m pip", False),
    ],
)
def test_a_pip_found_on_path(program: str, on_path: bool) -> None:
    tokens = shell_tokens(program + " install x")
    assert tokens is not None
    pip = pip_command(tokens)
    assert pip is not None and pip.on_path is on_path


def _command(code: str, magics: frozenset[str]) -> str:
    (escape,) = scan(code, EscapeStyle.LIVE).escapes
    command = escape_command(escape, code, magics)
    assert command is not None
    return command.text


def test_a_program_magic_is_read_with_its_name_as_the_program() -> None:
    assert _command("%pip install x", frozenset({"pip"})) == "pip install x"
    assert _command("pip install x", frozenset({"pip"})) == "pip install x"  # automagic
    assert _command("%sx ls x", frozenset({"sx"})) == " ls x"


def test_words_on_later_lines_of_a_commented_escape_are_placed_not_edited() -> None:
    code = "# !pip install \\\n#   tensorflow==1.15\n"
    (escape,) = scan(code, EscapeStyle.COMMENTED).escapes
    command = escape_command(escape, code, frozenset())
    assert command is not None
    index = command.text.index("tensorflow")
    assert command.unit_offset(index) is None
    assert command.place(index) == code.index("tensorflow")
    assert command.place(1) == command.unit_offset(1) == code.index("pip") + 1


# --- NBP002 shell-pip ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        ("!pip install x && python train.py", "%pip install x && python train.py"),
        (
            '!pip install "sagemaker>=2.48.0" --upgrade',
            '%pip install "sagemaker>=2.48.0" --upgrade',
        ),
        ("!python -m pip install -r requirements.txt", "%pip install -r requirements.txt"),
        ("%%capture\n!pip install x", "%%capture\n%pip install x"),
    ],
)
def test_pip_lines_become_the_magic(bad: str, good: str) -> None:
    assert fixed("NBP002", [bad]) == [good]


@pytest.mark.parametrize(
    "code",
    ["!!pip install x", "!PIP_NO_CACHE_DIR=1 pip install x", "!pip list", "!cd x && pip install ."],
)
def test_pip_lines_left_alone(code: str) -> None:
    assert findings("NBP002", [code]) == []


# --- NBP003 shell-prompt ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        (
            "!DEBIAN_FRONTEND=noninteractive apt-get install x",
            "!DEBIAN_FRONTEND=noninteractive apt-get install -y x",
        ),
        ("!cd data && unzip a.zip", "!cd data && unzip -o a.zip"),
        ("files = !unzip a.zip", "files = !unzip -o a.zip"),
        ("%system apt-get remove x", "%system apt-get remove -y x"),
        ("!apt-get -q install x", "!apt-get -q install -y x"),
        ("!python3 -m pip uninstall torch", "!python3 -m pip uninstall -y torch"),
        ("!mamba create -n env python=3.10", "!mamba create -y -n env python=3.10"),
        # pip's own options before the subcommand, and the kernel's Python named outright
        ("!pip --log pip.log uninstall x", "!pip --log pip.log uninstall -y x"),
        ("!{sys.executable} -m pip uninstall x", "!{sys.executable} -m pip uninstall -y x"),
    ],
)
def test_asking_commands_get_their_answer(bad: str, good: str) -> None:
    assert fixed("NBP003", [bad]) == [good]


@pytest.mark.parametrize(
    "code",
    [
        "!apt-get install x -qq",
        "!apt-get -o APT::Get::Assume-Yes=true install x",
        "!apt-get -q -q install x",
        "!apt-get install x < /dev/null",
        "!apt-get --dry-run install x",
        "!apt-get update",
        "!conda env create -f environment.yml",
        "!conda install --yes numpy",
        "!unzip -qn a.zip",
        "!unzip -p a.zip file.txt > file.txt",
        "!pip uninstall --yes x",
        "%pip install x",
    ],
)
def test_commands_that_never_ask(code: str) -> None:
    assert findings("NBP003", [code]) == []


def test_unzip_fix_is_unsafe_and_apt_fix_safe() -> None:
    assert fixed("NBP003", ["!apt install x\n!unzip a.zip"], unsafe=False) == [
        "!apt install -y x\n!unzip a.zip"
    ]


def test_each_asking_command_of_a_line_is_reported_where_it_stands() -> None:
    assert findings("NBP003", ["!apt-get install x && unzip a.zip"]) == [
        "cell 1:1:2",
        "cell 1:1:23",
    ]


# --- NBP004 shell-unquoted-space ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        (
            "!cp {src} /content/drive/My Drive/",
            '!cp {src} "/content/drive/My Drive/"',
        ),
        (
            "!ls $ROOT/My Drive/data",
            '!ls "$ROOT/My Drive/data"',
        ),
        (
            "%ls /content/drive/My Drive",
            '%ls "/content/drive/My Drive"',
        ),
        (
            "!ls /content/drive/My Drive/Colab Notebooks/*.ipynb",
            '!ls /content/drive/"My Drive"/"Colab Notebooks"/*.ipynb',
        ),
    ],
)
def test_drive_paths_are_quoted(bad: str, good: str) -> None:
    assert fixed("NBP004", [bad]) == [good]


def test_run_with_a_wildcard_is_reported_without_a_fix() -> None:
    cells = ["%run /content/drive/My Drive/*.py"]
    assert findings("NBP004", cells) == ["cell 1:1:6"]
    assert fixed("NBP004", cells) == cells


@pytest.mark.parametrize(
    "code",
    [
        '%run "/content/drive/My Drive/train.py"',
        "%pushd /content/drive/My Drive",
        "!ls /content/drive/MyDrive/Colab\\ Notebooks",
        "!echo Colab Notebooks",
        "!ls /content/drive/My  Drive",
    ],
)
def test_drive_paths_left_alone(code: str) -> None:
    assert findings("NBP004", [code]) == []


@pytest.mark.parametrize(
    ("line", "quoted"), [("!cd", "`!cd`"), ("!cd  data", "`!cd data`"), ("!cd ~", "`!cd ~`")]
)
def test_shell_cd_quotes_the_command_as_written(line: str, quoted: str) -> None:
    result = check_document(document_from_cells([line], "notebook"), [CATALOG["NBP001"]])
    (finding,) = result.findings
    assert finding.message.startswith(f"{quoted} runs in a throw-away shell")
