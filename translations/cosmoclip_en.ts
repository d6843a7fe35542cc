<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>cosmoclip::CatalogController</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… and %n more</numerusform>
            <numerusform>… and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be added</source>
        <translation>
            <numerusform>%n file could not be added</numerusform>
            <numerusform>%n files could not be added</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cosmoclip::ClassifyJob</name>
    <message numerus="yes">
        <source>Labelling with %n labels</source>
        <translation>
            <numerusform>Labelling with %n label</numerusform>
            <numerusform>Labelling with %n labels</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cosmoclip::CompareJob</name>
    <message numerus="yes">
        <source>Comparing %n model(s)</source>
        <translation>
            <numerusform>Comparing %n model</numerusform>
            <numerusform>Comparing %n models</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cosmoclip::DisplayText</name>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n image</numerusform>
            <numerusform>%n images</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cosmoclip::FineTuneWizard</name>
    <message numerus="yes">
        <source>%n training image(s).</source>
        <translation>
            <numerusform>%n training image.</numerusform>
            <numerusform>%n training images.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n epoch(s), learning rate %2</source>
        <translation>
            <numerusform>%1: %n epoch, learning rate %2</numerusform>
            <numerusform>%1: %n epochs, learning rate %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cosmoclip::IndexJob</name>
    <message numerus="yes">
        <source>Adding %n files and folders</source>
        <translation>
            <numerusform>Adding %n file or folder</numerusform>
            <numerusform>Adding %n files and folders</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cosmoclip::TrainingDashboard</name>
    <message numerus="yes">
        <source>Paused after %n step(s); Resume goes on from %1.</source>
        <translation>
            <numerusform>Paused after %n step; Resume goes on from %1.</numerusform>
            <numerusform>Paused after %n steps; Resume goes on from %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n step(s). The state is kept in %1/last.</source>
        <translation>
            <numerusform>Cancelled after %n step. The state is kept in %1/last.</numerusform>
            <numerusform>Cancelled after %n steps. The state is kept in %1/last.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>done: %n step(s)</source>
        <translation>
            <numerusform>done: %n step</numerusform>
            <numerusform>done: %n steps</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Run %1 (%2), %n epoch(s) recorded.</source>
        <translation>
            <numerusform>Run %1 (%2), %n epoch recorded.</numerusform>
            <numerusform>Run %1 (%2), %n epochs recorded.</numerusform>
        </translation>
    </message>
</context>
</TS>
