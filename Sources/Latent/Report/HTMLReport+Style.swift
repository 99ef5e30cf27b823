extension HTMLReport {
    /// The page's CSS: a centred column of white cards on a light grey page, system fonts,
    /// figures scaled to the column, tabular numbers in metric tables.
    static let stylesheet = """

        :root { --ink: #1f2328; --muted: #5b6470; --line: #e4e7eb; --page: #f4f5f7; --card: #ffffff; --accent: #4e79a7; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--page); color: var(--ink);
          font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1000px; margin: 0 auto; padding: 36px 20px 40px; }
        header { margin: 0 0 22px; padding-left: 14px; border-left: 4px solid var(--accent); }
        h1 { font-size: 28px; line-height: 1.2; margin: 0 0 4px; letter-spacing: -0.01em; }
        .subtitle { color: var(--muted); margin: 0; font-size: 16px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
          padding: 20px 26px; margin: 0 0 20px; box-shadow: 0 1px 3px rgba(20, 30, 50, 0.05); }
        h2 { font-size: 19px; margin: 0 0 12px; }
        h3 { font-size: 12.5px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 18px 0 8px; }
        .card > h3:first-child { margin-top: 0; }
        p { margin: 0 0 12px; max-width: 72ch; }
        figure { margin: 14px 0 18px; }
        figure svg, figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
        figure img { border-radius: 4px; }
        img.pixelated { image-rendering: pixelated; }
        p.warning { background: #fff4e5; border-left: 4px solid #e8590c; padding: 10px 14px; border-radius: 4px; font-weight: 500; }
        ul.files { columns: 2 220px; padding-left: 1.2em; margin: 0 0 12px; }
        ul.files li { overflow-wrap: anywhere; hyphens: none; margin: 2px 0; }
        figcaption { color: var(--muted); font-size: 13.5px; text-align: center; margin-top: 6px; }
        .figure-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px 20px; align-items: start; }
        table.metrics { border-collapse: collapse; width: 100%; max-width: 560px; font-variant-numeric: tabular-nums; margin: 0 0 12px; }
        table.metrics th, table.metrics td { padding: 7px 2px; border-bottom: 1px solid var(--line); }
        table.metrics th { text-align: left; font-weight: 500; color: var(--muted); }
        table.metrics td { text-align: right; font-weight: 600; }
        table.metrics tr:last-child th, table.metrics tr:last-child td { border-bottom: none; }
        pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin: 0 0 12px;
          overflow-x: auto; font: 12.5px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
        footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 28px; }

        """
}
