"""Knowledge and logic of the mensenhandel FAQ assistant, importable without Rasa."""
