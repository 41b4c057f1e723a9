"""Many projects at once: batch runs to CSV/XLSX/JSONL, and the process pool behind them."""
