"""Presentation shared by the dashboard, the assistant and the PDF: number formatting, the chart palette, the Plotly charts."""
