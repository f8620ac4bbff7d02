"""``amif-rules interview CALL [DOCUMENT]`` as a person meets it (contract §5): through a
pseudo-terminal, each prompt awaited before it is answered, and with piped input; what is
asserted is what the person sees, the file written, and what ``amif-rules check`` makes of it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from amif_rules import answers
from amif_rules.cli import dialogue as interview
from amif_rules.languages import LANGUAGES
from conftest import EXAMPLES, ROOT

#: The longest the test waits for the program to show something: a hang fails, never blocks.
TIMEOUT = 60

#: Answers that make an application to call 42 eligible, by the path a question names.
ELIGIBLE_ANSWERS = {
    "submitted_at": "2019-08-30 14:00",
    "form.complete": "yes",
    "form.signed": "yes",
    "applicant.kind": "(ocmw)",  # the number of the choice shown with this code
    "applicant.municipality.population": "NIS 11002",
    "budget.amif": "300000.00",
    "budget.total_eligible_cost": "400000.00",
    "budget.cofinancing.pod_mi": "60000,00",
}


def _env() -> dict:
    return dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
        PYTHONIOENCODING="utf-8",
        LC_ALL="C.UTF-8",
    )


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "amif_rules", "interview", *args]


def _controlling_terminal() -> None:  # in the child: the pseudo-terminal is its terminal (Ctrl-C reaches it)
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Person:
    """Someone at a terminal running ``amif-rules interview``: reads the screen, waits for
    a prompt, types an answer and Enter (or Ctrl-C, Ctrl-D)."""

    def __init__(self, cwd: Path, *args: str):
        self.master, slave = os.openpty()
        self.process = subprocess.Popen(
            _command(*args),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=_env(),
            start_new_session=True,
            preexec_fn=_controlling_terminal,
        )
        os.close(slave)
        self.raw = b""
        self.read_to = 0  # how far the screen has been read
        self.closed = False

    @property
    def screen(self) -> str:
        return self.raw.decode("utf-8", "replace").replace("\r\n", "\n")

    def _more(self, deadline: float) -> bool:
        """Read what the program wrote; False when it has closed the terminal."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"waited {TIMEOUT} s; the screen so far:\n{self.screen}")
        ready, _, _ = select.select([self.master], [], [], left)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the program ended and the terminal closed
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.raw += chunk
        return True

    def wait_for(self, pattern: str) -> re.Match:
        """The first match of the regular expression ``pattern`` after what was read so far."""
        deadline = time.monotonic() + TIMEOUT
        compiled = re.compile(pattern)
        while (match := compiled.search(self.screen, self.read_to)) is None:
            if self.closed or not self._more(deadline):
                raise AssertionError(f"the program ended before showing {pattern!r}; the screen:\n{self.screen}")
        self.read_to = match.end()
        return match

    def sees(self, text: str) -> None:
        self.wait_for(re.escape(text))

    def types(self, line: str) -> None:
        os.write(self.master, line.encode("utf-8") + b"\r")

    def answers(self, prompt: str, line: str) -> None:
        self.sees(prompt)
        self.types(line)

    def presses(self, key: bytes) -> None:
        os.write(self.master, key)

    def finish(self) -> int:
        """The exit status, once the program has ended and everything it wrote is read."""
        deadline = time.monotonic() + TIMEOUT
        while not self.closed and self._more(deadline):
            pass
        try:
            return self.process.wait(timeout=TIMEOUT)
        finally:
            os.close(self.master)

    def rest(self) -> str:
        """What the program wrote after what was read so far."""
        return self.screen[self.read_to :]


@pytest.fixture
def person(tmp_path):
    started: list[Person] = []

    def start(*args: str) -> Person:
        started.append(Person(tmp_path, *args))
        return started[-1]

    yield start
    for someone in started:
        if someone.process.poll() is None:
            someone.process.kill()
            someone.process.wait(timeout=TIMEOUT)


def _check(path: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "amif_rules", "check", str(path), *options],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=TIMEOUT,
    )


def _piped(cwd: Path, stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(_command(*args), input=stdin, capture_output=True, text=True, cwd=cwd, env=_env(), timeout=TIMEOUT)


def _answer_until_decided(someone: Person, question: str, outcome: str, answers_by_path: dict[str, str]) -> list[str]:
    """Answer every question shown (``question`` is the pattern of its header line, with a
    ``path`` group) until the outcome line; the paths asked, in order."""
    asked = []
    while True:
        found = someone.wait_for(rf"{question}\n|(?P<outcome>{outcome}.*)\n")
        if found.group("outcome"):
            return asked
        path = found.group("path")
        assert path not in asked, f"{path} was asked again after it was answered:\n{someone.screen}"
        asked.append(path)
        answer = answers_by_path[path]
        if answer.startswith("("):  # a choice: the person reads its number off the list shown
            answer = someone.wait_for(rf"(\d+)\. [^\n]*{re.escape(answer)}\n").group(1)
        someone.answers("> ", answer)


# -- the done-when: from nothing to eligible --------------------------------------------------------


def test_an_interview_completes_call_42_from_nothing_to_eligible(person, tmp_path):
    someone = person("42")
    someone.sees("amif-rules interview: oproep 42 (call-42, versie 1)")
    asked = _answer_until_decided(
        someone, r"Vraag \d+ · nog \d+ open · (?P<path>\S+)", r"call-42 \(versie 1\): ", ELIGIBLE_ANSWERS
    )
    assert someone.finish() == 0
    assert set(asked) == set(ELIGIBLE_ANSWERS)
    assert asked[0] == "submitted_at"  # the decisive questions first, in the document's order
    shown = someone.screen
    assert "call-42 (versie 1): ONTVANKELIJK" in shown
    assert "Geschreven naar application-42.json." in shown
    assert "De volledige uitleg: amif-rules check application-42.json" in shown
    assert "ja/nee> " in shown and "nummer 1-8 of code> " in shown and "   1. OCMW (ocmw)" in shown
    written = tmp_path / "application-42.json"
    document = json.loads(written.read_text(encoding="utf-8"))
    assert document["budget"] == {"amif": "300000.00", "total_eligible_cost": "400000.00", "cofinancing": {"pod_mi": "60000.00"}}
    assert document["applicant"] == {"kind": "ocmw", "municipality": {"nis_code": "11002"}}
    checked = _check(written, "--lang", "en")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("call-42 (version 1): ELIGIBLE")


# -- a wrong answer is said and asked again; ? explains ---------------------------------------------


def test_a_wrong_answer_is_refused_and_the_question_asked_again(person, tmp_path):
    someone = person("42", "--lang", "en")
    someone.sees("Question 1 · 8 open · submitted_at")
    prompt = "date and time YYYY-MM-DD HH:MM> "
    someone.answers(prompt, "tomorrow")
    someone.sees("✘ Not accepted: not a date and time; write for example 2019-08-30 14:00.")
    someone.answers(prompt, "2019-02-30 10:00")
    someone.sees("✘ Not accepted: '2019-02-30' is not on the calendar.")
    someone.answers(prompt, "2019-08-30")
    someone.sees("✘ Not accepted: give the time too, for example 2019-08-30 14:00.")
    someone.answers(prompt, "?")
    someone.sees("submitted_at: A date and a time, Belgian time: 2019-08-30 14:00 or 30/08/2019 14:00;")
    someone.sees("Decisive: an answer to this question alone can make the application ineligible.")
    someone.sees('Source: call-42-social-activation.nl.txt, Info & contact: "Alle projecten moeten ten laatste')
    someone.sees("Enter alone: skip · Ctrl-D: stop and save · Ctrl-C: abort without saving")
    someone.answers(prompt, "2019-10-27 02:30")  # the reader's own refusal: this time comes twice in Brussels
    someone.sees("✘ Not accepted: 2019-10-27T02:30:00 happens twice in Brussels (clocks go back); give an offset")
    someone.answers(prompt, "2019-08-30 14:00")
    someone.sees("Question 2 · 7 open · form.complete")
    someone.answers("yes/no> ", "perhaps")
    someone.sees("✘ Not accepted: answer yes or no.")
    someone.answers("yes/no> ", "y")
    someone.sees("Question 3 · 6 open · form.signed")
    someone.answers("yes/no> ", "yes")
    someone.sees("Question 4 · 5 open · applicant.kind")
    someone.answers("number 1-8 or code> ", "9")
    someone.sees("✘ Not accepted: not one of the 8 choices; give a number or a code.")
    someone.answers("number 1-8 or code> ", "public social welfare centre (OCMW/CPAS)")  # its words
    someone.sees("Question 5 · 4 open · applicant.municipality.population")
    prompt = "number of inhabitants, or NIS 11002 for the register's figure> "
    someone.answers(prompt, "-523248")
    someone.sees("✘ Not accepted: at least 0.")
    someone.answers(prompt, "NIS 99999")  # a NIS code the register does not know: asked again, said why
    someone.sees("Question 6 · 4 open · applicant.municipality.population")
    someone.sees("The register has no population for NIS code 99999 on this call's date: give the number of inhabitants.")
    someone.answers(prompt, "523.248")
    someone.sees("Question 7 · 3 open · budget.amif")
    someone.answers("amount in euro, such as 1234.56> ", "1.234.56")
    someone.sees("✘ Not accepted: not an amount; write for example 1234.56.")
    someone.answers("amount in euro, such as 1234.56> ", "")  # skipped: the next one
    someone.sees("Question 8 · 2 open · budget.total_eligible_cost")
    someone.presses(b"\x04")  # Ctrl-D: stop, and save what is answered
    someone.sees("End of input: the interview stops here.")
    assert someone.finish() == 3
    assert "Traceback" not in someone.screen
    document = json.loads((tmp_path / "application-42.json").read_text(encoding="utf-8"))
    assert document == {
        "call": "42",
        "submitted_at": "2019-08-30T14:00",
        "form": {"complete": True, "signed": True},
        "applicant": {"kind": "ocmw", "municipality": {"nis_code": "99999", "population": 523248}},
    }


def test_a_wrong_entry_of_a_list_is_refused_with_the_readers_message(tmp_path):
    start = json.loads((EXAMPLES / "call-42-incomplete-brussel.json").read_text(encoding="utf-8"))
    del start["participants"][0]["nationalities"]
    (tmp_path / "start.json").write_text(json.dumps(start), encoding="utf-8")
    done = _piped(tmp_path, "yes\nXX\nsy, gn\n", "42", "start.json", "--lang", "en")
    assert "participants[0].nationalities" in done.stdout
    assert "codes, separated by commas> XX\n" in done.stdout
    assert "✘ Not accepted: unknown country code 'XX'; expected an ISO 3166-1 alpha-2 code" in done.stdout
    assert "codes, separated by commas> sy, gn\n" in done.stdout
    written = json.loads((tmp_path / "application-42.json").read_text(encoding="utf-8"))
    assert written["participants"][0]["nationalities"] == ["SY", "GN"]


# -- a decisive answer that refuses: stop, say why and what would help -------------------------------


def test_a_refusing_decisive_answer_stops_early_and_shows_the_remedies(person, tmp_path):
    someone = person("42", "--lang", "en")
    someone.answers("date and time YYYY-MM-DD HH:MM> ", "2019-09-05 10:00")
    someone.sees("call-42 (version 1): INELIGIBLE")
    someone.sees("Why:")
    someone.sees(
        "  ✘ submitted-before-deadline: Submitted on 5 September 2019 at 10:00 (CEST), "
        "after the deadline of 2 September 2019 at 23:59 (CEST)."
    )
    someone.sees("What would help:")
    someone.sees(
        "  → submitted-before-deadline: This rule would pass if you move the moment of submission back to "
        "2 September 2019 at 23:59 (CEST) (now 5 September 2019 at 10:00 (CEST))."
    )
    someone.sees("Written to application-42.json.")
    assert someone.finish() == 1
    assert "Question 2" not in someone.screen
    written = tmp_path / "application-42.json"
    assert json.loads(written.read_text(encoding="utf-8")) == {"call": "42", "submitted_at": "2019-09-05T10:00"}
    assert _check(written).returncode == 1


# -- French and English ----------------------------------------------------------------------------------


def test_the_interview_speaks_french(person, tmp_path):
    someone = person("42", "--lang", "fr")
    someone.sees("amif-rules interview : appel 42 (call-42, version 1)")
    someone.sees("Question 1 · 8 en suspens · submitted_at")
    someone.sees("Quand avez-vous introduit la demande, ou quand l'introduirez-vous ?")
    someone.answers("date et heure AAAA-MM-JJ HH:MM> ", "30/08/2019 14h00")
    someone.sees("Le formulaire de demande standard est-il entièrement complété ?")
    someone.answers("oui/non> ", "oui")
    someone.answers("oui/non> ", "Oui")
    someone.sees("   1. CPAS (ocmw)")
    someone.answers("numéro 1-8 ou code> ", "CPAS")  # the choice's French words
    someone.sees("Combien d'habitants compte la commune où votre organisation est établie ?")
    someone.answers("nombre d'habitants, ou INS 21004 pour le chiffre du registre> ", "523 248")
    for _ in range(3):
        found = someone.wait_for(r"Question \d+ · \d+ en suspens · (?P<path>\S+)\n")
        someone.answers("montant en euros, comme 1234.56> ", ELIGIBLE_ANSWERS[found.group("path")])
    someone.sees("call-42 (version 1): RECEVABLE")
    someone.sees("Écrit dans application-42.json.")
    someone.sees("L'explication complète : amif-rules check application-42.json --lang fr")
    assert someone.finish() == 0
    assert _check(tmp_path / "application-42.json").returncode == 0


def test_the_interview_speaks_english(person):
    someone = person("42", "--lang", "en")
    someone.sees("amif-rules interview: call 42 (call-42, version 1)")
    someone.sees("Answer each question and press Enter. Enter alone skips a question, ? explains it,")
    someone.sees("Question 1 · 8 open · submitted_at")
    someone.sees("When did you submit the application, or when will you submit it?")
    someone.sees("  Rules: submitted-before-deadline (decisive)")
    someone.answers("date and time YYYY-MM-DD HH:MM> ", "2019-08-30 14:00")
    someone.answers("yes/no> ", "")
    someone.answers("yes/no> ", "")
    someone.sees("   1. public social welfare centre (OCMW/CPAS) (ocmw)")
    someone.sees("   2. municipality\n")
    someone.presses(b"\x04")
    someone.sees("call-42 (version 1): INCOMPLETE")
    someone.sees("Still open (7): form.complete, form.signed, applicant.kind, applicant.municipality.population,")
    someone.sees("To go on later: amif-rules interview 42 application-42.json --lang en")
    assert someone.finish() == 3


# -- starting from a document ----------------------------------------------------------------------------


def test_starting_from_a_document_asks_exactly_its_missing_paths(person, tmp_path):
    shutil.copy(EXAMPLES / "call-42-incomplete-brussel.json", tmp_path / "brussel.json")
    someone = person("42", "brussel.json", "--lang", "en")
    someone.sees("Starting from brussel.json.")
    by_path = {
        "form.signed": "yes",
        "participants[1].residence": "(international_protection)",
        "budget.cofinancing.pod_mi": "45000",
    }
    asked = _answer_until_decided(someone, r"Question \d+ · \d+ open · (?P<path>\S+)", r"call-42 \(version 1\): ", by_path)
    assert asked == ["form.signed", "participants[1].residence", "budget.cofinancing.pod_mi"]
    assert "call-42 (version 1): ELIGIBLE" in someone.screen
    assert "Question 1 · 3 open · form.signed" in someone.screen
    assert "What is the residence status of participant B-02 (participants[1])" in someone.screen
    assert someone.finish() == 0
    written = json.loads((tmp_path / "application-42.json").read_text(encoding="utf-8"))
    start = json.loads((EXAMPLES / "call-42-incomplete-brussel.json").read_text(encoding="utf-8"))
    start["form"]["signed"] = True
    start["participants"][1]["residence"] = "international_protection"
    start["budget"]["cofinancing"] = {"pod_mi": "45000.00"}
    assert written == start


def test_a_document_without_a_call_gets_it_and_one_for_another_call_is_refused(tmp_path):
    (tmp_path / "no-call.yaml").write_text("form:\n  complete: true\n", encoding="utf-8")
    done = _piped(tmp_path, "", "42", "no-call.yaml", "--lang", "en")
    assert done.returncode == 3
    assert json.loads((tmp_path / "application-42.json").read_text(encoding="utf-8")) == {
        "call": "42",
        "form": {"complete": True},
    }
    other = _piped(tmp_path, "", "42", str(EXAMPLES / "flanders-320-eligible-gent.json"))
    assert other.returncode == 2 and other.stdout == ""
    assert "is an application to call '320', not to call '42'" in other.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"call": "42", "budget": {"amif": "1.234,56"}}', encoding="utf-8")
    refused = _piped(tmp_path, "", "42", str(bad))
    assert refused.returncode == 2 and "budget.amif: expected an amount in euro" in refused.stderr
    unknown = _piped(tmp_path, "", "99")
    assert unknown.returncode == 2 and "no ruleset for call '99'" in unknown.stderr and "Traceback" not in unknown.stderr
    nowhere = _piped(tmp_path, "", "42", "--output", "no/such/folder/x.json")
    assert nowhere.returncode == 2 and "there is no folder no/such/folder" in nowhere.stderr and nowhere.stdout == ""
    folder = _piped(tmp_path, "", "42", "-o", str(tmp_path))
    assert folder.returncode == 2 and "it is a folder; give --output a file name" in folder.stderr and folder.stdout == ""


# -- skipping, Ctrl-D and Ctrl-C ---------------------------------------------------------------------------


def test_skipping_every_question_ends_with_exit_3_and_writes_the_partial_document(person, tmp_path):
    someone = person("42", "--lang", "en")
    someone.answers("date and time YYYY-MM-DD HH:MM> ", "2019-08-30 14:00")
    for number in range(2, 9):
        someone.sees(f"Question {number} · {9 - number} open · ")
        someone.answers("> ", "")
    someone.sees("Every open question was skipped.")
    someone.sees("call-42 (version 1): INCOMPLETE")
    someone.sees("Written to application-42.json.")
    assert someone.finish() == 3
    written = tmp_path / "application-42.json"
    assert json.loads(written.read_text(encoding="utf-8")) == {"call": "42", "submitted_at": "2019-08-30T14:00"}
    checked = _check(written, "--lang", "en")
    assert checked.returncode == 3 and "INCOMPLETE" in checked.stdout


def test_ctrl_c_aborts_without_writing_and_without_a_traceback(person, tmp_path):
    someone = person("42", "--lang", "en")
    someone.answers("date and time YYYY-MM-DD HH:MM> ", "2019-08-30 14:00")
    someone.sees("yes/no> ")
    someone.presses(b"\x03")
    someone.sees("Aborted: nothing saved.")
    assert someone.finish() == 130
    assert "Traceback" not in someone.screen
    assert list(tmp_path.iterdir()) == []


# -- piped input, and the file never overwritten without --force ---------------------------------------------


def test_piped_answers_work_and_read_as_a_transcript(tmp_path):
    lines = ["2019-08-30 14:00", "ja", "ja", "1", "523248", "300000.00", "400000.00", "60000.00"]
    done = _piped(tmp_path, "\n".join(lines) + "\n", "42")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert "datum en uur JJJJ-MM-DD UU:MM> 2019-08-30 14:00\n" in done.stdout  # the answer after its prompt
    assert "nummer 1-8 of code> 1\n" in done.stdout
    assert "aantal inwoners, of NIS 11002 voor het registercijfer> 523248\n" in done.stdout
    assert "call-42 (versie 1): ONTVANKELIJK\nGeschreven naar application-42.json.\n" in done.stdout
    again = _piped(tmp_path, "\n".join(lines) + "\n", "42")
    assert "Geschreven naar application-42-2.json (application-42.json bestaat al; --force overschrijft het)." in again.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == ["application-42-2.json", "application-42.json"]
    (tmp_path / "mine.json").write_text("{}", encoding="utf-8")
    forced = _piped(tmp_path, "2019-09-05 10:00\n", "42", "--output", "mine.json", "--force", "--lang", "en")
    assert forced.returncode == 1 and "Written to mine.json." in forced.stdout
    assert json.loads((tmp_path / "mine.json").read_text(encoding="utf-8")) == {"call": "42", "submitted_at": "2019-09-05T10:00"}
    kept = _piped(tmp_path, "2019-09-05 10:00\n", "42", "-o", "mine.json", "--lang", "en")
    assert "Written to mine-2.json (mine.json already exists; --force overwrites it)." in kept.stdout


def test_a_list_of_texts_is_one_entry_a_line(tmp_path):
    start = json.loads((EXAMPLES / "integration-projects-incomplete-no-results.json").read_text(encoding="utf-8"))
    (tmp_path / "start.json").write_text(json.dumps(start), encoding="utf-8")
    first, second = "20 participants, of whom 10 women, find work", "Every participant has a buddy"
    done = _piped(tmp_path, f"{first}\n{second}\n\n", start["call"], "start.json", "--lang", "en")
    assert f"one per line, an empty line to end> {first}\n  ...> {second}\n  ...> \n" in done.stdout
    written = json.loads((tmp_path / f"application-{start['call']}.json").read_text(encoding="utf-8"))
    assert written["results"] == [first, second]


# -- the dialogue's words --------------------------------------------------------------------------------------


def test_every_word_of_the_dialogue_is_in_every_language():
    missing = [key for key, words in interview.WORDS.items() if set(words) != set(LANGUAGES)]
    assert not missing
    kinds = ("choice", "boolean", "integer", "money", "date", "datetime", "text", "codes", "choices", "texts", "json")
    needed = [f"reason.{reason}" for reason in answers.REASONS] + [
        f"{what}.{kind}" for what in ("hint", "help") for kind in kinds
    ]
    needed += [f"type.{kind}" for kind in answers.TYPE_WORDS]
    assert [key for key in needed if key not in interview.WORDS] == []
