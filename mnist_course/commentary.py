"""The optional commentary on the report from a language model: a small client for an OpenAI-compatible server.

It is off unless a server is given (``--llm-url`` or ``MNIST_COURSE_LLM_URL``). The model gets only the
report's numbers and short text descriptions, never images or file names; its answer is plain text.
The report (:mod:`mnist_course.report`) calls it. Lesson 09 (notebooks/09_logs_and_report.ipynb) uses it as
``report.llm_settings``, ``report.commentary_prompt`` and ``report.ask_for_commentary``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

#: Environment variables for the commentary: the server's base URL (``http://127.0.0.1:11434/v1`` for a
#: local Ollama), the model's name, and an API key if the server needs one.
LLM_URL_VARIABLE = "MNIST_COURSE_LLM_URL"
LLM_MODEL_VARIABLE = "MNIST_COURSE_LLM_MODEL"
LLM_KEY_VARIABLE = "MNIST_COURSE_LLM_KEY"

#: Seconds to wait for the answer; a local model on a laptop CPU can take a while to write 200 words.
LLM_TIMEOUT_SECONDS = 60.0

#: At most this many wrong digits are described to the language model.
MAX_CASES_IN_PROMPT = 20

LLM_INSTRUCTIONS = (
    "You help a student in a beginners' course on handwritten-digit recognition with a neural network. "
    "Below are statistics about their model: its results on the MNIST test set and on digits the student "
    "wrote or drew themselves, with short descriptions of the digits it read wrong. In at most 200 words of "
    "plain, short sentences (the student may read English as a second language): say where the model is "
    "weak on the student's own handwriting, what the wrong digits have in common, and suggest two or three "
    "things to try. Use only the numbers given; do not invent any."
)


@dataclass
class LLMSettings:
    """Where to ask for commentary: an OpenAI-compatible chat server.

    Attributes:
        url: the base URL, ending in ``/v1`` for most servers.
        model: the model's name on that server.
        key: the API key, if the server needs one.
        timeout: seconds to wait for the answer.
    """

    url: str
    model: str | None
    key: str | None = field(default=None, repr=False)
    timeout: float = LLM_TIMEOUT_SECONDS


def llm_settings(url=None, model=None, key=None, timeout=None) -> LLMSettings | None:
    """The commentary settings from the arguments, else the ``MNIST_COURSE_LLM_*`` variables; None when off.

    Commentary is off unless a URL is given (``--llm-url`` or ``MNIST_COURSE_LLM_URL``).
    """
    url = url or os.environ.get(LLM_URL_VARIABLE)
    if not url:
        return None
    return LLMSettings(url=url, model=model or os.environ.get(LLM_MODEL_VARIABLE) or None,
                       key=key or os.environ.get(LLM_KEY_VARIABLE) or None,
                       timeout=float(timeout) if timeout else LLM_TIMEOUT_SECONDS)  # fmt: skip


def commentary_prompt(summary: dict) -> list[dict]:
    """The chat messages sent to the language model: the instructions and the report's numbers as JSON.

    Only :func:`mnist_course.report.summarise`'s numbers and short descriptions go in: no image, no file name, no path.

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    return [
        {"role": "system", "content": LLM_INSTRUCTIONS},
        {"role": "user", "content": json.dumps(summary, indent=1)},
    ]


def ask_for_commentary(settings: LLMSettings, messages: list[dict]) -> tuple[str | None, str | None]:
    """Ask the chat server; returns ``(answer, None)``, or ``(None, why there is none)`` in one line.

    Never raises: a slow, missing or broken server only means the report has no commentary.
    """
    if not settings.model:
        return None, f"no model name for the language model: set {LLM_MODEL_VARIABLE} or use --llm-model"
    try:
        import openai
    except ImportError:
        return None, 'the openai package is not installed: pip install "mnist-course[report]"'
    client = openai.OpenAI(base_url=settings.url, api_key=settings.key or "not-needed", timeout=settings.timeout,
                           max_retries=0)  # fmt: skip
    try:
        completion = client.chat.completions.create(model=settings.model, messages=messages, temperature=0.2,
                                                    max_tokens=500)  # fmt: skip
        answer = completion.choices[0].message.content
    except openai.APITimeoutError:
        return None, f"the language model at {settings.url} did not answer within {settings.timeout:g} s"
    except openai.APIConnectionError as error:
        return None, f"could not reach the language model at {settings.url} ({first_line(error.__cause__ or error)})"
    except openai.APIStatusError as error:
        return None, f"the language model at {settings.url} answered with HTTP error {error.status_code}"
    except Exception as error:  # JSON that is not a chat completion, and whatever else a server may send
        return None, f"the language model at {settings.url} sent an answer that is not a chat reply ({first_line(error)})"
    finally:
        client.close()
    if not isinstance(answer, str) or not answer.strip():
        return None, f"the language model at {settings.url} sent an empty answer"
    return answer.strip(), None


def first_line(error) -> str:
    """The first line of an error's message (at most 160 characters), or the error's type if it has no message."""
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:160]
